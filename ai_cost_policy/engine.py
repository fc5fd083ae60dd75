"""Evaluate rules on AI resources: the one place every engine gets its verdicts."""

from __future__ import annotations

from collections.abc import Iterable

from ai_cost_policy.policy.model import Policy
from ai_cost_policy.resource import AIResource
from ai_cost_policy.rules import RULES, RULES_BY_ID, Finding, decide


def evaluate_rule(rule_id: str, resource: AIResource, policy: Policy) -> Finding:
    rule = RULES_BY_ID[rule_id]
    return decide(rule, resource, rule.evaluate(resource, policy), policy)


def evaluate(resources: Iterable[AIResource], policy: Policy) -> list[Finding]:
    findings = [
        decide(rule, resource, rule.evaluate(resource, policy), policy)
        for resource in resources
        for rule in RULES
    ]
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (f.file or "", f.line or 0, f.resource, f.rule),
    )
