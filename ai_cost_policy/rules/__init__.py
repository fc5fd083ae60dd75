"""The rules, in ID order. IDs are stable: never renumber, never reuse."""

from __future__ import annotations

from ai_cost_policy.rules.approved_model import ApprovedModel
from ai_cost_policy.rules.base import Finding, Outcome, Rule, decide
from ai_cost_policy.rules.model_tag import ModelCostTag
from ai_cost_policy.rules.required_tags import RequiredCostTags

RULES: tuple[Rule, ...] = (RequiredCostTags(), ApprovedModel(), ModelCostTag())
RULES_BY_ID = {rule.id: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_ID", "Finding", "Outcome", "Rule", "decide"]
