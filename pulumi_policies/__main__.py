"""ai-cost-policy for Pulumi CrossGuard: ``pulumi preview --policy-pack <this dir>``.

One resource policy per rule (named as in DESIGN.md), plus ``ai-unknown-values``,
the advisory policy that carries warnings caused by values unknown during preview.
The model rules also have a stack policy each, ``<policy>-stack``, which judge what
only the whole stack shows (a model that is another resource's, the account that
pays for a deployment), and ``ai-unknown-values-stack`` carries their warnings.
``ai-model-cost-tag`` can remediate: at the ``remediate`` level it adds a missing
model tag. The rules themselves live in the ``ai_cost_policy`` core; the modules
beside this one turn what the engine sends into neutral AI resources and the
verdicts back into violations. This pack imports no Checkov module.
"""

from __future__ import annotations

import sys
from typing import Any

import ai_cost_pack as pack
import ai_cost_remediation as remediation
import ai_cost_stack as stack
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from ai_cost_policy.rules import RULES, Rule

LEVELS = {
    "mandatory": EnforcementLevel.MANDATORY,
    "advisory": EnforcementLevel.ADVISORY,
}
REMEDIABLE = {"CKV_AICOST_3": remediation.remediate}
UNKNOWN_STEPS = (
    "Make the value known at preview (a literal or stack config instead of "
    "another resource's output), or set `unknown: fail` to block on it."
)


def config_schema() -> PolicyConfigSchema:
    """Every policy takes the same properties: the policy file and its overrides."""
    return PolicyConfigSchema(properties=dict(pack.CONFIG_PROPERTIES))


def rule_policy(rule: Rule, level: str) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        found = pack.check_rule(rule, args)
        if found.violation is not None:
            report(found.violation)
        if found.not_applicable is not None:
            # Raises pulumi-policy's own signal, which it turns into not_applicable.
            args.not_applicable(found.not_applicable)

    return ResourceValidationPolicy(
        name=rule.pulumi_name,
        display_name=f"{rule.id}: {rule.title}",
        description=rule.title,
        validate=validate,
        remediate=REMEDIABLE.get(rule.id),
        enforcement_level=LEVELS.get(level, EnforcementLevel.MANDATORY),
        config_schema=config_schema(),
        severity=Severity.HIGH,
        remediation_steps=rule.fix,
        url=rule.docs_url(),
    )


def unknown_values_policy() -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        warnings, not_applicable = pack.unknown_warnings(args)
        for warning in warnings:
            report(warning)
        if not_applicable is not None:
            args.not_applicable(not_applicable)

    return ResourceValidationPolicy(
        name=pack.UNKNOWN_POLICY,
        display_name="AI cost rules that values unknown during preview kept open",
        description=(
            "A rule could not decide because a value is unknown during preview; "
            "the message names the rule in brackets and the value"
        ),
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=config_schema(),
        severity=Severity.LOW,
        remediation_steps=UNKNOWN_STEPS,
    )


def stack_policy(rule: Rule, level: str) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        for violation in stack.judge(rule, args):
            report(violation.message, violation.urn or None)

    return StackValidationPolicy(
        name=pack.stack_policy_of(rule),
        display_name=f"{rule.id} across the stack: {rule.title}",
        description=(
            f"{rule.title} (judged with the whole stack in view: a model that is "
            "another resource's, the resource that pays for one without tags)"
        ),
        validate=validate,
        enforcement_level=LEVELS.get(level, EnforcementLevel.MANDATORY),
        config_schema=config_schema(),
        severity=Severity.HIGH,
        remediation_steps=rule.fix,
        url=rule.docs_url(),
    )


def unknown_values_stack_policy() -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        for violation in stack.unknown_warnings(args):
            report(violation.message, violation.urn or None)

    return StackValidationPolicy(
        name=stack.UNKNOWN_STACK_POLICY,
        display_name="AI cost rules across the stack that unknown values kept open",
        description=(
            "A stack policy could not decide because a value is unknown; the "
            "message names the policy in brackets and the value"
        ),
        validate=validate,
        enforcement_level=EnforcementLevel.ADVISORY,
        config_schema=config_schema(),
        severity=Severity.LOW,
        remediation_steps=UNKNOWN_STEPS,
    )


def policies() -> list[Any]:
    levels = pack.default_enforcement()
    # Order matters: pulumi-policy runs a pack's policies in this order, and each
    # unknown-values policy reports what the policies before it found in the same
    # call.
    by_stack = [rule for rule in RULES if rule.id in pack.STACK_RULES]
    return [
        *(rule_policy(rule, levels[rule.id]) for rule in RULES),
        unknown_values_policy(),
        *(stack_policy(rule, levels[rule.id]) for rule in by_stack),
        unknown_values_stack_policy(),
    ]


if not pack.install_secret_marking():
    print(
        "ai-cost-policy pack: this pulumi-policy version offers no way to tell "
        "secret inputs apart; messages may quote them.",
        file=sys.stderr,  # stdout is the engine's: the port goes there
    )
if not pack.install_level_tracking():
    print(
        "ai-cost-policy pack: this pulumi-policy version does not show the "
        "configured enforcement levels; resource policies judge cross-resource "
        "models themselves (as unknown) instead of leaving them to the stack "
        "policies.",
        file=sys.stderr,
    )

PolicyPack(name="ai-cost-policy", policies=policies())
