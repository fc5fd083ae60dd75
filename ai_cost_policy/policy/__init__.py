"""The policy file: model, loading, validation and lookup."""

from ai_cost_policy.policy.errors import PolicyError
from ai_cost_policy.policy.loader import (
    apply_overrides,
    default_policy,
    load_policy_file,
    load_policy_text,
    policy_to_dict,
)
from ai_cost_policy.policy.lookup import (
    DEFAULT_ANNOUNCEMENT,
    ENVIRONMENT_VARIABLE,
    POLICY_FILE_NAME,
    PolicyLookup,
    find_policy,
)
from ai_cost_policy.policy.model import Policy, TagRequirement
from ai_cost_policy.policy.validation import SCHEMA

__all__ = [
    "DEFAULT_ANNOUNCEMENT",
    "ENVIRONMENT_VARIABLE",
    "POLICY_FILE_NAME",
    "SCHEMA",
    "Policy",
    "PolicyError",
    "PolicyLookup",
    "TagRequirement",
    "apply_overrides",
    "default_policy",
    "find_policy",
    "load_policy_file",
    "load_policy_text",
    "policy_to_dict",
]
