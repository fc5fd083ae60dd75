"""What a rule is, what it returns, and how an outcome becomes a verdict.

A rule only says whether the resource satisfies it, violates it, or cannot be judged
because a value is unknown. Turning that into a verdict (``unknown:``, advisory
rules, severity) happens once, in :func:`decide`, so every engine and every rule
agree on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ai_cost_policy.models import CanonicalModel
from ai_cost_policy.policy.model import Policy
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules.model_slots import read_models

SATISFIED = "satisfied"
VIOLATED = "violated"
UNKNOWN = "unknown"
NOT_APPLICABLE = "not-applicable"

PASSED = "passed"
FAILED = "failed"
WARNING = "warning"

DOCS_BASE = "https://github.com/ai-cost-policy/ai-cost-policy/blob/main/docs/rules"


@dataclass(frozen=True)
class Outcome:
    kind: str
    message: str
    details: tuple[str, ...] = ()
    models: tuple[CanonicalModel, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule: str
    policy_name: str
    resource: str
    resource_type: str
    engine: str
    file: str | None
    line: int | None
    verdict: str
    severity: str
    platform: str
    models: tuple[CanonicalModel, ...]
    message: str
    details: tuple[str, ...] = ()
    urn: str | None = None


class Rule:
    """A rule describes itself; ``docs/rules/`` is generated from these fields."""

    id: ClassVar[str]
    pulumi_name: ClassVar[str]
    title: ClassVar[str]
    why: ClassVar[str]
    fix: ClassVar[str]
    limits: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def docs_url(cls) -> str:
        return f"{DOCS_BASE}/{cls.id}.md"

    def evaluate(self, resource: AIResource, policy: Policy) -> Outcome:
        raise NotImplementedError


def decide(
    rule: Rule, resource: AIResource, outcome: Outcome, policy: Policy
) -> Finding:
    advisory = policy.enforcement_of(rule.id) == "advisory"
    message, details = outcome.message, outcome.details

    if outcome.kind == VIOLATED:
        verdict = WARNING if advisory else FAILED
    elif outcome.kind == UNKNOWN:
        verdict = {"fail": FAILED, "warn": WARNING, "pass": PASSED}[policy.unknown]
        if verdict == FAILED and advisory:
            verdict = WARNING
        details = (f"unknown: {policy.unknown} decided this verdict",) + details
    elif outcome.kind == SATISFIED:
        verdict = PASSED
    else:
        verdict = NOT_APPLICABLE

    if verdict == FAILED:
        severity = "HIGH"
    elif verdict == WARNING or advisory:
        severity = "LOW"
    else:
        severity = "HIGH"

    return Finding(
        rule=rule.id,
        policy_name=rule.pulumi_name,
        resource=resource.address,
        resource_type=resource.resource_type,
        engine=resource.engine,
        file=resource.file,
        line=resource.line,
        verdict=verdict,
        severity=severity,
        platform=resource.platform,
        # Every finding names the resource's model, whatever the rule, so a report
        # can be grouped by model.
        models=outcome.models or read_models(resource).models,
        message=message,
        details=details,
        urn=resource.urn,
    )
