"""Model identifiers: every written form normalised to one canonical ID per platform."""

from __future__ import annotations

from ai_cost_policy.models.canonical import CanonicalModel, normalise

__all__ = ["CanonicalModel", "normalise"]
