"""The policy file: model, loading, validation and lookup."""

from ai_cost_policy.policy.model import Policy, TagRequirement

__all__ = ["Policy", "TagRequirement"]
