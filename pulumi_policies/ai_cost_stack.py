"""The stack policies: the model rules with every resource of the stack in view.

Analyze sees one resource; AnalyzeStack sees them all, each with the engine's record
of which resources its inputs were built from. That is enough to follow what a
resource alone cannot show: an agent whose ``foundationModel`` is an application
inference profile's ``arn`` runs the model the profile copies, and an Azure OpenAI
deployment that cannot carry tags is paid for by the account whose ``id`` it names,
whose model tag must then name the deployment's model too. ``link_stack`` in the
core records those links; the rules are the core's, as everywhere.

Each stack policy, ``<rule policy>-stack``, reports a resource only where the stack
changes the verdict: the pairs its resource policy left to it (see
``ai_cost_pack.deferrable``), and the pairs linking turns into a failure or a
warning (an account that pays for a deployment its model tag does not name). A pass
is reported by saying nothing. Warnings caused by a value that stays unknown go to
the advisory ``ai-unknown-values-stack``, prefixed with the stack policy's name in
brackets, as ``ai-unknown-values`` carries those of the resource policies.

Nothing here may raise into pulumi-policy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import ai_cost_pack as pack

from ai_cost_policy.linking import link
from ai_cost_policy.policy import Policy, PolicyError
from ai_cost_policy.pulumi_inputs import StackMember, link_stack
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import Rule, decide
from ai_cost_policy.rules.base import FAILED, WARNING

UNKNOWN_STACK_POLICY = pack.UNKNOWN_POLICY + pack.STACK_SUFFIX
NO_AI = "the stack has no AI resources"

# Warnings caused by unknowns, per stack, until ai-unknown-values-stack reports them;
# it comes after the rule stack policies in the pack, which run in order.
_pending = pack.Bounded(16)


@dataclass(frozen=True)
class Violation:
    urn: str
    message: str


@dataclass(frozen=True)
class _Member:
    snap: pack.Snapshot
    resource: AIResource
    property_dependencies: Mapping[str, tuple[str, ...]]
    dependencies: tuple[str, ...]


def _snapshots(args: Any) -> list[tuple[Any, pack.Snapshot]]:
    tags = getattr(args, "stack_tags", None) or {}
    return [(item, pack.snapshot(item, tags)) for item in args.resources]


def _stack_key(snaps: Sequence[tuple[Any, pack.Snapshot]]) -> str:
    """The same stack, sent the same way, whichever policy asks."""
    digests = sorted(snap.digest for _, snap in snaps)
    return hashlib.sha256("".join(digests).encode()).hexdigest()


def _members(
    snaps: Sequence[tuple[Any, pack.Snapshot]], settings: pack.Settings
) -> list[_Member]:
    members = []
    for item, snap in snaps:
        resource = pack.resolved(snap, settings)
        if resource is None:
            continue
        dependencies = {
            str(key): tuple(str(source.urn) for source in sources)
            for key, sources in (item.property_dependencies or {}).items()
        }
        everything = tuple(str(source.urn) for source in item.dependencies or ())
        members.append(_Member(snap, resource, dependencies, everything))
    return members


def judge(rule: Rule, args: Any) -> list[Violation]:
    """What ``rule``'s stack policy reports on the stack in ``args``; never raises.

    Raises only pulumi-policy's not-applicable signal, through ``args``.
    """
    try:
        settings = pack.Settings.of(args.get_config())
        snaps = _snapshots(args)
        members = _members(snaps, settings)
        violations: list[Violation] = []
        if members:
            violations = _judge(rule, members, settings, _stack_key(snaps))
    except Exception as error:  # noqa: BLE001 - a policy must never raise
        return [Violation("", pack.internal_error(error))]
    if not members:
        args.not_applicable(NO_AI)
    return violations


def _judge(
    rule: Rule, members: Sequence[_Member], settings: pack.Settings, key: str
) -> list[Violation]:
    policy = pack.policy_or_error(settings)
    if isinstance(policy, PolicyError):
        return [
            Violation(
                "",
                "the ai-cost-policy policy file cannot be used, so no rule was "
                f"checked across resources: {policy}",
            )
        ]
    linked = link_stack(
        [
            StackMember(
                member.resource,
                member.snap.urn,
                member.property_dependencies,
                member.dependencies,
            )
            for member in members
        ]
    )
    secrets = _secrets(members)
    name = pack.stack_policy_of(rule)
    violations = []
    for member, together in zip(members, linked, strict=True):
        report = _report(rule, name, member.resource, together, policy, secrets)
        if report is None:
            continue
        if report.unknown_warning is not None:
            part = (member.snap.urn, rule.id)
            _pending.put(key, part, report.unknown_warning)
        elif report.violation is not None:
            violations.append(Violation(member.snap.urn, report.violation))
    return violations


def _report(
    rule: Rule,
    name: str,
    alone: AIResource,
    together: AIResource,
    policy: Policy,
    secrets: Sequence[str],
) -> pack.RuleReport | None:
    """The report on one resource, or None where its resource policy said it all."""
    alone = link([alone])[0]
    alone_outcome = rule.evaluate(alone, policy)
    outcome = rule.evaluate(together, policy)
    finding = decide(rule, together, outcome, policy)
    if finding.verdict not in (FAILED, WARNING):
        return None
    if not pack.deferrable(rule, alone, alone_outcome.kind):
        said_alone = decide(rule, alone, alone_outcome, policy).verdict
        if said_alone == finding.verdict:
            return None
    followed = tuple(
        f"model read through the stack: {slot.attribute}"
        for slot in together.models
        if " via " in slot.attribute
    )
    finding = replace(finding, details=finding.details + followed)
    return pack.report_of(name, finding, outcome.kind, policy, secrets)


def _secrets(members: Sequence[_Member]) -> tuple[str, ...]:
    """Every secret of the stack: a linked message may quote another resource's."""
    forms: set[str] = set()
    for member in members:
        forms.update(pack.secret_forms(member.resource, member.snap))
    return tuple(sorted(forms, key=len, reverse=True))


def unknown_warnings(args: Any) -> list[Violation]:
    """What ai-unknown-values-stack reports; never raises."""
    try:
        snaps = _snapshots(args)
        members = _members(snaps, pack.Settings.of(args.get_config()))
        found = _pending.pop(_stack_key(snaps)) or {}
    except Exception as error:  # noqa: BLE001 - a policy must never raise
        return [Violation("", pack.internal_error(error))]
    if not members:
        args.not_applicable(NO_AI)
    return [Violation(urn, message) for (urn, _), message in found.items()]
