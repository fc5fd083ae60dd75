"""ai-cost-policy for Pulumi CrossGuard: ``pulumi preview --policy-pack <this dir>``.

One resource policy per rule (named as in DESIGN.md), plus ``ai-unknown-values``,
the advisory policy that carries warnings caused by values unknown during preview.
The rules themselves live in the ``ai_cost_policy`` core; ``ai_cost_pack`` turns
what the engine sends into a neutral AI resource and the verdicts back into
violations. This pack imports no Checkov module.
"""

from __future__ import annotations

import sys
from typing import Any

import ai_cost_pack as pack
from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
)

from ai_cost_policy.rules import RULES, Rule

LEVELS = {
    "mandatory": EnforcementLevel.MANDATORY,
    "advisory": EnforcementLevel.ADVISORY,
}


def config_schema() -> PolicyConfigSchema:
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
        remediation_steps=(
            "Make the value known at preview (a literal or stack config instead of "
            "another resource's output), or set `unknown: fail` to block on it."
        ),
    )


def policies() -> list[Any]:
    levels = pack.default_enforcement()
    # The rule policies must come before ai-unknown-values: it reports what they
    # found for the same resource earlier in the same Analyze call.
    return [rule_policy(rule, levels[rule.id]) for rule in RULES] + [
        unknown_values_policy()
    ]


if not pack.install_secret_marking():
    print(
        "ai-cost-policy pack: this pulumi-policy version offers no way to tell "
        "secret inputs apart; messages may quote them.",
        file=sys.stderr,  # stdout is the engine's: the port goes there
    )

PolicyPack(name="ai-cost-policy", policies=policies())
