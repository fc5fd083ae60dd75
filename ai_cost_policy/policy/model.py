"""The policy as the rules see it, once loaded and validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ai_cost_policy.catalog import Catalog, CatalogEntry, load_catalog, with_user_types

UNKNOWN_MODES = ("fail", "warn", "pass")
ENFORCEMENT_LEVELS = ("mandatory", "advisory")


@dataclass(frozen=True)
class TagRequirement:
    key: str
    pattern: re.Pattern[str] | None = None
    allowed: tuple[str, ...] | None = None

    @property
    def constrained(self) -> bool:
        return self.pattern is not None or self.allowed is not None


@dataclass(frozen=True)
class Policy:
    required_tags: tuple[TagRequirement, ...]
    model_tag: str | None
    approved: Mapping[str, tuple[str, ...]]
    denied: tuple[str, ...]
    unknown: str
    enforcement: Mapping[str, str] = field(default_factory=dict)
    source: str = "embedded default"
    resource_types: tuple[CatalogEntry, ...] = ()

    def enforcement_of(self, rule_id: str) -> str:
        return self.enforcement.get(rule_id, "mandatory")

    def catalog(self) -> Catalog:
        """The built-in catalog plus the resource types this policy adds."""
        return with_user_types(load_catalog(), self.resource_types)

    def governs(self, platform: str) -> bool:
        return platform in self.approved
