"""The policy as the rules see it, once loaded and validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import regex

from ai_cost_policy.catalog import Catalog, CatalogEntry, load_catalog, with_user_types

UNKNOWN_MODES = ("fail", "warn", "pass")
PATTERN_SECONDS = 0.5
ENFORCEMENT_LEVELS = ("mandatory", "advisory")


@dataclass(frozen=True)
class TagRequirement:
    key: str
    pattern: regex.Pattern[str] | None = None
    allowed: tuple[str, ...] | None = None

    def matches(self, value: str) -> bool | None:
        """Whether the value fully matches the pattern; None if that takes too long.

        Patterns come from policy files and values from the scanned code, so a
        pattern with nested repeats must not be able to stall a CI job.
        """
        if self.pattern is None:
            return True
        try:
            return self.pattern.fullmatch(value, timeout=PATTERN_SECONDS) is not None
        except TimeoutError:
            return None

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
    from_stack_tags: bool = False

    def enforcement_of(self, rule_id: str) -> str:
        return self.enforcement.get(rule_id, "mandatory")

    def catalog(self) -> Catalog:
        """The built-in catalog plus the resource types this policy adds."""
        return with_user_types(load_catalog(), self.resource_types)

    def governs(self, platform: str) -> bool:
        return platform in self.approved
