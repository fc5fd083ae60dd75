"""Three-state values: known, unknown (with why), or absent.

Every engine loses information differently (Checkov drops unresolved ``merge()``
parts, plans hide "known after apply" values, Pulumi previews carry sentinels). The
resolvers therefore never guess: a value they cannot determine is ``Unknown`` with the
expression and the reason, so a rule can say exactly what it could not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Known:
    value: Any


@dataclass(frozen=True)
class Unknown:
    expression: str
    reason: str
    # The address of the resource the value is read from, when it is one
    # (``aws_bedrock_inference_profile.support`` for ``...support.arn``).
    reference: str | None = None

    def describe(self) -> str:
        return f"{self.expression} ({self.reason})"


class _Absent:
    _instance: _Absent | None = None

    def __new__(cls) -> _Absent:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT = _Absent()

Value = Known | Unknown | _Absent


def is_known(value: Value) -> bool:
    return isinstance(value, Known)
