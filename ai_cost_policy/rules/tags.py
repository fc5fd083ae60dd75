"""Reading effective tags for the tag rules: lookup, near misses, provenance."""

from __future__ import annotations

import difflib
import re

from ai_cost_policy.resource import AIResource, Tag, TagSet
from ai_cost_policy.values import Known

LABEL_LENGTH = 63


def label_safe(text: str) -> str:
    """What a GCP label can hold: lower case, ``[a-z0-9_-]``, at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]", "_", text.lower())[:LABEL_LENGTH]


def visible(tags: TagSet) -> dict[str, Tag]:
    """The tags a rule judges: on GCP, Google's own ``goog-*`` labels are not yours."""
    if not tags.labels:
        return dict(tags.tags)
    return {key: tag for key, tag in tags.tags.items() if not key.startswith("goog-")}


def key_for(key: str, tags: TagSet) -> str:
    """The key as it must appear: a GCP label key is the label-safe form."""
    return label_safe(key) if tags.labels else key


def noun(tags: TagSet | None, resource: AIResource) -> str:
    if tags is not None and tags.labels:
        return "label"
    return "label" if resource.platform == "vertex" else "tag"


def _fold(key: str) -> str:
    return re.sub(r"[^a-z0-9]", "", key.lower())


def near_misses(key: str, tags: TagSet) -> list[str]:
    """Keys that are probably a typo of ``key``: ``CostCenter`` for ``cost-center``."""
    folded = _fold(key)
    # A sensitive key is never offered: the guess would print it.
    candidates = [
        found
        for found, tag in visible(tags).items()
        if found != key and not tag.key_sensitive
    ]
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
    shown = visible(tags)
    kind = "labels" if tags.labels else "tags"
    if not shown:
        seen = f"no {kind} are set ({tags.attribute})"
    else:
        by_source: dict[str, list[str]] = {}
        secret: dict[str, int] = {}
        for key in sorted(shown):
            source = shown[key].source
            by_source.setdefault(source, [])
            if shown[key].key_sensitive:
                secret[source] = secret.get(source, 0) + 1
            else:
                by_source[source].append(key)
        seen = f"{kind} read from {tags.attribute}: " + "; ".join(
            f"{', '.join(_counted(keys, secret.get(source, 0)))} from {source}"
            for source, keys in by_source.items()
        )
    if tags.hidden:
        seen += "; keys that cannot be seen: " + ", ".join(
            part.describe() for part in tags.hidden
        )
    return seen


def _counted(keys: list[str], secret: int) -> list[str]:
    """Keys as shown, sensitive ones counted: ``owner, (2 sensitive keys)``."""
    if not secret:
        return keys
    return [*keys, f"({secret} sensitive {'key' if secret == 1 else 'keys'})"]


def untaggable(resource: AIResource) -> str:
    """Why rules 1 and 3 do not apply here, and where the cost goes instead."""
    message = f"this resource cannot carry {noun(None, resource)}s"
    parent = resource.entry.cost_parent
    if parent is None:
        return message
    message += f": {parent.why}"
    if resource.parent_in_view:
        return (
            f"{message}; its cost goes to {resource.parent_reference}, which is "
            "checked in its place"
        )
    if parent.type and resource.parent_reference:
        return (
            f"{message}; its cost goes to {resource.parent_reference}, which is not "
            "in the scanned code, so it cannot be checked here"
        )
    if parent.type:
        return (
            f"{message}; it names no {parent.type} in view, so its cost lands on "
            "no tag this scan can check"
        )
    return message
