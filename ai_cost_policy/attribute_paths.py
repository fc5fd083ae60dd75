"""Catalog paths such as ``variant[*].model_id`` and walking them through values.

One syntax for every engine: ``name`` is an attribute or map key, ``name[0]`` the
first (or single) nested block or element, ``name[*]`` every one. Terraform plans
store nested blocks as lists and Pulumi flattens single blocks into objects, so the
walk accepts either shape wherever a block may stand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

EVERY = "*"
_SEGMENT = re.compile(r"^(?P<name>[^\[\]]+)(?:\[(?P<index>\*|\d+)\])?$")


@dataclass(frozen=True)
class Segment:
    name: str
    index: int | str | None = None

    def __str__(self) -> str:
        return self.name if self.index is None else f"{self.name}[{self.index}]"


@lru_cache(maxsize=512)
def parse(path: str) -> tuple[Segment, ...]:
    segments = []
    for part in path.split("."):
        match = _SEGMENT.match(part)
        if match is None:
            raise ValueError(f"not a catalog path: {path!r}")
        index = match["index"]
        segments.append(
            Segment(match["name"], int(index) if index and index != EVERY else index)
        )
    return tuple(segments)


@dataclass(frozen=True)
class Found:
    """One value at a concrete path (``variant[1].model_id``), with its marks."""

    path: str
    value: Any
    unknown: bool = False
    sensitive: bool = False


def _items(value: Any, index: int | str | None) -> list[tuple[str, Any]]:
    """The elements a segment's index selects; a lone object counts as one block."""
    if index is None:
        return [("", value)]
    elements = value if isinstance(value, list) else [value]
    if index == EVERY:
        return [(f"[{position}]", item) for position, item in enumerate(elements)]
    if isinstance(index, int) and index < len(elements):
        return [(f"[{index}]", elements[index])]
    return []


def mark_below(marks: Any, key: str | int) -> Any:
    """The marks (unknown, sensitive) of ``key`` inside a value marked ``marks``."""
    if marks is True or marks is None:
        return marks
    if isinstance(marks, dict) and isinstance(key, int):
        return marks  # a lone object standing for a block list of one
    if isinstance(marks, dict):
        return marks.get(key)
    if isinstance(marks, list) and isinstance(key, int) and key < len(marks):
        return marks[key]
    return None


def walk(
    value: Any,
    path: str,
    *,
    unknown: Any = None,
    sensitive: Any = None,
    is_unknown: Callable[[Any], bool] = lambda _: False,
) -> Iterator[Found]:
    """Every value at ``path`` in ``value``.

    ``unknown`` and ``sensitive`` are structures parallel to ``value`` (a plan's
    ``after_unknown`` and ``after_sensitive``) where ``True`` marks a whole subtree;
    ``is_unknown`` recognises unknowns written into the value itself (Pulumi's
    sentinels, the HCL evaluator's Unknown). An unknown met on the way is yielded
    once, at the path where it was met, because what lies below it cannot be known.
    """
    yield from _walk(value, parse(path), "", unknown, sensitive, is_unknown)


def _walk(
    value: Any,
    segments: tuple[Segment, ...],
    where: str,
    unknown: Any,
    sensitive: Any,
    is_unknown: Callable[[Any], bool],
) -> Iterator[Found]:
    if unknown is True or is_unknown(value):
        yield Found(where, value, unknown=True, sensitive=sensitive is True)
        return
    if not segments:
        if value is not None:
            yield Found(where, value, sensitive=sensitive is True)
        return
    if not isinstance(value, dict):
        return
    segment, rest = segments[0], segments[1:]
    name = f"{where}.{segment.name}" if where else segment.name
    if segment.name not in value and mark_below(unknown, segment.name) is True:
        # A plan leaves an attribute known only after apply out of `after`.
        yield Found(
            name,
            None,
            unknown=True,
            sensitive=mark_below(sensitive, segment.name) is True,
        )
        return
    if segment.name not in value:
        hidden = getattr(value, "hidden", ())
        if hidden:
            # A map with parts whose keys cannot be seen may hold this key.
            yield Found(where or segment.name, hidden[0], unknown=True)
        return
    child = value[segment.name]
    child_unknown = mark_below(unknown, segment.name)
    child_sensitive = mark_below(sensitive, segment.name)
    if child_unknown is True or is_unknown(child):
        yield Found(name, child, unknown=True, sensitive=child_sensitive is True)
        return
    for suffix, item in _items(child, segment.index):
        position = int(suffix[1:-1]) if suffix else None
        yield from _walk(
            item,
            rest,
            name + suffix,
            mark_below(child_unknown, position) if suffix else child_unknown,
            mark_below(child_sensitive, position) if suffix else child_sensitive,
            is_unknown,
        )
