"""Sensitivity as Terraform tracks it: a mark that travels with a value.

A variable declared ``sensitive = true`` and a ``sensitive()`` call mark their value;
the HCL evaluator carries the mark into whatever is computed from it (an
interpolation, ``lower()``, an element, a comparison, ``merge()``), as Terraform
does. Like Terraform, a map is sensitive as a whole, keys included, when it is
built with a key computed from a sensitive value or by ``merge()`` with a
sensitive map; a map that merely holds a sensitive value marks that value only.

Outside the evaluator the marks are split off into a structure parallel to the
values, the shape of a plan's ``after_sensitive``, so HCL and plans are read alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ai_cost_policy.attribute_paths import mark_below, parse
from ai_cost_policy.models.canonical import SENSITIVE
from ai_cost_policy.values import Unknown

SENSITIVE_EXPRESSION = "(expression with a sensitive value)"


@dataclass(frozen=True)
class Sensitive:
    """A value, and everything in it, that no output may show."""

    value: Any


def unmarked(value: Any) -> tuple[Any, bool]:
    """The value without its mark, and whether it had one."""
    if isinstance(value, Sensitive):
        return value.value, True
    return value, False


def marked(value: Any, sensitive: bool) -> Any:
    # An unknown stays unknown: it carries only the code that failed to resolve,
    # which the evaluator quotes through quote().
    if not sensitive or isinstance(value, (Sensitive, Unknown)):
        return value
    return Sensitive(value)


# Long enough to recognise a key or an index, short enough for one message line.
SHOWN_LIMIT = 40


def shown(value: Any, sensitive: bool) -> str:
    """An evaluated value as a message may quote it: a key, an index, an operand.

    A sensitive value is never quoted; a long one is cut, and a collection is named
    by its kind (it may hold anything, sensitive or not, and be huge).
    """
    if sensitive:
        return SENSITIVE
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = repr(value)
        return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 4] + "...'"
    if isinstance(value, (dict, list)):
        return "a map" if isinstance(value, dict) else "a list"
    if isinstance(value, int) and value.bit_length() > 128:
        return "a number too long to show"
    text = str(value)
    return text if len(text) <= SHOWN_LIMIT else text[: SHOWN_LIMIT - 3] + "..."


def split(value: Any) -> tuple[Any, Any]:
    """(value without marks, marks): ``True`` marks a whole subtree, as in a plan."""
    # Loops, not comprehensions: each of those is a frame too, and nested blocks
    # may run 256 levels deep.
    value, whole = unmarked(value)
    if whole:
        return _strip(value), True
    if isinstance(value, dict):
        plain: dict = {}
        marks: dict = {}
        for key, item in value.items():
            plain[key], mark = split(item)
            if mark is not None:
                marks[key] = mark
        return _like(value, plain), marks or None
    if isinstance(value, list):
        items: list = []
        marks_list: list = []
        for item in value:
            item, mark = split(item)
            items.append(item)
            marks_list.append(mark)
        any_mark = any(mark is not None for mark in marks_list)
        return items, marks_list if any_mark else None
    return value, None


def _strip(value: Any) -> Any:
    value, _ = unmarked(value)
    if isinstance(value, dict):
        plain: dict = {}
        for key, item in value.items():
            plain[key] = _strip(item)
        return _like(value, plain)
    if isinstance(value, list):
        items: list = []
        for item in value:
            items.append(_strip(item))
        return items
    return value


def _like(original: dict, entries: dict) -> dict:
    # A PartialMap keeps the parts whose keys cannot be seen.
    hidden = getattr(original, "hidden", None)
    if hidden is None:
        return entries
    return type(original)(entries, hidden)


def any_marked(marks: Any) -> bool:
    if marks is True:
        return True
    if isinstance(marks, dict):
        return any(any_marked(mark) for mark in marks.values())
    if isinstance(marks, list):
        return any(any_marked(mark) for mark in marks)
    return False


def marks_at(marks: Any, path: str) -> Any:
    """The marks at a concrete path as walk() reports it: ``variant[0].model_id``."""
    for segment in parse(path):
        marks = mark_below(marks, segment.name)
        if segment.index is not None:
            marks = mark_below(marks, segment.index)
    return marks


# `sensitive(` as a call, not the end of `nonsensitive(` or of another name.
_SENSITIVE_CALL = re.compile(r"(?<![\w.-])sensitive\s*\(")


def hides_a_secret(text: str) -> bool:
    """Whether code text may hold a secret: ``sensitive("...")`` holds it literally."""
    return _SENSITIVE_CALL.search(text) is not None


def redacted(value: Any, expression: str) -> Any:
    """``value`` with every unknown inside it quoted as ``expression``.

    For the value of a sensitive variable or of a ``sensitive()`` call: the code
    that failed to resolve inside it may spell the secret out. A reason that quotes
    anything is replaced for the same cause.
    """
    if isinstance(value, Unknown):
        reason = value.reason
        if "'" in reason or '"' in reason:
            reason = "it depends on a value that is unknown"
        return Unknown(expression, reason, reference=value.reference)
    if isinstance(value, Sensitive):
        return Sensitive(redacted(value.value, expression))
    if isinstance(value, dict):
        entries = {key: redacted(item, expression) for key, item in value.items()}
        hidden = getattr(value, "hidden", None)
        if hidden is None:
            return entries
        return type(value)(entries, tuple(redacted(h, expression) for h in hidden))
    if isinstance(value, list):
        return [redacted(item, expression) for item in value]
    return value
