"""Reading effective tags for the tag rules: lookup, near misses, provenance."""

from __future__ import annotations

import difflib
import re

from ai_cost_policy.resource import Tag, TagSet
from ai_cost_policy.values import Known


def _fold(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def near_misses(key: str, tags: TagSet) -> list[str]:
    """Keys that are probably a typo of ``key``: ``CostCenter`` for ``cost-center``."""
    folded = _fold(key)
    candidates = [found for found in tags.tags if found != key]
    same = [found for found in candidates if _fold(found) == folded]
    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.8)
    return sorted(set(same) | set(close))


def display_value(tag: Tag) -> str:
    if tag.sensitive:
        return "(sensitive value)"
    if isinstance(tag.value, Known):
        return repr(tag.value.value)
    return f"unknown: {tag.value.describe()}"


def provenance(tags: TagSet) -> str:
    if not tags.tags:
        seen = f"no tags are set ({tags.attribute})"
    else:
        seen = "tags seen: " + ", ".join(
            f"{key} from {tags.tags[key].source}" for key in sorted(tags.tags)
        )
    if tags.hidden:
        seen += "; keys that cannot be seen: " + ", ".join(
            part.describe() for part in tags.hidden
        )
    return seen
