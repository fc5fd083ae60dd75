"""How much the HCL evaluator may compute, so that no configuration hangs a scan.

A few lines of Terraform can describe values far larger than their text: forty
locals that each double a list make 2**40 elements, forty that square a number make
one of a trillion digits, four nested ``for`` expressions over a hundred elements
make a hundred million. Past a limit the value is unknown, with a reason that
starts "too large to evaluate", and the policy's ``unknown:`` setting decides, as
for any other value the code does not settle. Every limit is checked before the
work it bounds is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ai_cost_policy.terraform.marks import unmarked

TOO_LARGE = "too large to evaluate"

# Far beyond any tag, model ID or list of them, far below what exhausts memory.
MAX_STRING_CHARACTERS = 1_000_000
# Values in one value, nested ones included: a list of 10 maps of 2 is 31.
MAX_VALUES = 100_000
# Evaluation steps (an expression evaluated, a for element visited) for one
# attribute or local, about a second; and for all of one module instance.
MAX_STEPS = 250_000
MAX_MODULE_STEPS = 5_000_000
# Arithmetic on a number that is not an integer costs about this many steps.
NUMBER_STEPS = 100

# Sizes are remembered for values at least this big, so that a value holding the
# same list twice is not walked twice (forty such locals would be 2**40 visits).
_REMEMBERED = 64


class OverBudget(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Budget:
    """What one module instance may still compute, and the sizes it has seen."""

    steps: int = MAX_MODULE_STEPS
    unit_steps: int = MAX_STEPS
    # id -> (value, size); the value is kept so that its id is not reused.
    _sizes: dict[int, tuple[Any, int]] = field(default_factory=dict)

    def step(self, count: int = 1) -> None:
        """Count work about to be done; raise OverBudget when it is too much."""
        self.unit_steps -= count
        self.steps -= count
        if self.unit_steps < 0:
            raise OverBudget(f"{TOO_LARGE}: it takes more than {MAX_STEPS:,} steps")
        if self.steps < 0:
            raise OverBudget(
                f"{TOO_LARGE}: the module takes more than {MAX_MODULE_STEPS:,} steps "
                "to evaluate"
            )

    @contextmanager
    def unit(self) -> Iterator[None]:
        """One attribute or local: its own step limit, the caller's kept aside."""
        saved = self.unit_steps
        self.unit_steps = MAX_STEPS
        try:
            yield
        finally:
            self.unit_steps = saved

    def size(self, value: Any) -> int:
        """How many values ``value`` holds, itself and nested ones included."""
        value, _ = unmarked(value)
        if not isinstance(value, (list, dict)):
            return 1
        remembered = self._sizes.get(id(value))
        if remembered is not None:
            return remembered[1]
        items = value.values() if isinstance(value, dict) else value
        total = 1 + len(getattr(value, "hidden", ()))
        for item in items:
            total += self.size(item)
        if total >= _REMEMBERED:
            self._sizes[id(value)] = (value, total)
        return total

    def too_many(self, value: Any) -> str | None:
        """Why ``value`` is too large to keep, or None."""
        if isinstance(value, str) and len(value) > MAX_STRING_CHARACTERS:
            return too_long()
        if self.size(value) > MAX_VALUES:
            return f"{TOO_LARGE}: it holds more than {MAX_VALUES:,} values"
        return None


def too_long() -> str:
    return f"{TOO_LARGE}: a string of more than {MAX_STRING_CHARACTERS:,} characters"
