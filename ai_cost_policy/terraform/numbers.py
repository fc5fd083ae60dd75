"""Terraform's numbers: binary floating point with a 512-bit mantissa.

Terraform keeps every number as a Go ``big.Float`` of 512 bits rounded to nearest
even, and turns it into a string with the fewest decimal digits that read back as
the same number. So ``0.1 + 0.2`` is ``0.3`` in Terraform (not the
``0.30000000000000004`` of a double), yet ``0.3 + 0.6`` is not ``0.9``: its sum
rounds to a neighbour, printed with 155 digits.

Here an integer is a Python ``int`` while it fits in those 512 bits, where
Terraform is exact too; a larger one is not evaluated, because Terraform would
round it. Any other number is a :class:`Number`, a ``Decimal`` holding that
shortest form, from which the binary value is recovered exactly.
"""

from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction
from typing import Any

PRECISION = 512
# 10**155 needs more than 512 bits: a longer integer cannot be exact.
MAX_INTEGER_DIGITS = 155
# A literal longer than this is not worth the arithmetic (and Python will not
# turn more than 4,300 digits into an int at all).
MAX_LITERAL_CHARACTERS = 400
# Digits of the shortest form: 512 bits always read back from 156 digits.
_MAX_DIGITS = 160
# A fixed-point text this long is a number too small to be a tag or a model.
MAX_TEXT = 400
# normalize() rounds to its context: this one has room for every digit.
_EXACT = Context(prec=_MAX_DIGITS + 10)

INVALID = object()
TOO_LARGE = object()


class Number(Decimal):
    """A number that is not an integer, printed as Terraform prints it."""

    def __str__(self) -> str:
        return format(self, "f")


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def literal(text: str) -> Any:
    """A number literal's value, or TOO_LARGE when it cannot be exact."""
    if len(text) > MAX_LITERAL_CHARACTERS:
        return TOO_LARGE
    if text.isdigit():
        digits = text.lstrip("0")
        if len(digits) > MAX_INTEGER_DIGITS:
            return TOO_LARGE
        return _checked(int(digits or "0"))
    return _value(_round(Fraction(text)))


def negate(value: Any) -> Any:
    if isinstance(value, Number):
        # copy_negate is exact; unary minus would round to Decimal's 28 digits.
        return Number(value.copy_negate())
    if isinstance(value, int):
        return -value
    return _value(-_exact(value))


def operate(operator: str, left: Any, right: Any) -> Any:
    """``left operator right`` for two numbers, as Terraform computes it.

    Returns INVALID where Terraform fails (a division by zero) and TOO_LARGE for a
    result that does not fit 512 bits or is too long to print.
    """
    if isinstance(left, float) or isinstance(right, float):
        if not all(_finite(value) for value in (left, right)):
            return INVALID
    if operator in ("==", "<", ">", "<=", ">="):
        a, b = _exact(left), _exact(right)
        compared = {"==": a == b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}
        return compared[operator]
    if operator in ("/", "%") and right == 0:
        return INVALID
    if isinstance(left, int) and isinstance(right, int):
        # Integers inside 512 bits are exact in Terraform too: no rounding.
        if operator == "+":
            return _checked(left + right)
        if operator == "-":
            return _checked(left - right)
        if operator == "*":
            return _checked(left * right)
    a, b = _exact(left), _exact(right)
    if operator == "+":
        return _value(_round(a + b))
    if operator == "-":
        return _value(_round(a - b))
    if operator == "*":
        return _value(_round(a * b))
    if operator == "/":
        return _value(_round(a / b))
    if operator == "%":
        # Terraform's remainder: a - b * trunc(a / b), each step rounded, so it
        # takes the sign of the dividend.
        quotient = _round(a / b)
        whole = Fraction(int(quotient))
        return _value(_round(a - _round(b * whole)))
    return INVALID


def _finite(value: Any) -> bool:
    return not isinstance(value, float) or value - value == 0


def _checked(value: int) -> Any:
    return TOO_LARGE if value.bit_length() > PRECISION else value


def _exact(value: Any) -> Fraction:
    """The binary value a number stands for."""
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        # A double read from JSON: Terraform parses the text, which is most
        # likely the shortest form of the double.
        return _round(Fraction(repr(value)))
    return _round(Fraction(value))


def _value(exact: Fraction) -> Any:
    if exact.denominator == 1:
        return _checked(exact.numerator)
    shortest = _shortest(exact)
    if len(format(shortest, "f")) > MAX_TEXT:
        return TOO_LARGE
    return shortest


def _round(value: Fraction) -> Fraction:
    """``value`` rounded to a 512-bit mantissa, ties to even, as big.Float does."""
    if value == 0:
        return value
    numerator, denominator = abs(value.numerator), value.denominator
    # Scale so that the quotient has PRECISION bits, or one more.
    shift = PRECISION - (numerator.bit_length() - denominator.bit_length())
    mantissa, remainder = _scaled(numerator, denominator, shift)
    if mantissa.bit_length() > PRECISION:
        shift -= 1
        mantissa, remainder = _scaled(numerator, denominator, shift)
    scaled_denominator = denominator << max(-shift, 0)
    twice = 2 * remainder
    if twice > scaled_denominator or (
        twice == scaled_denominator and mantissa % 2 == 1
    ):
        mantissa += 1
    result = Fraction(mantissa) / (Fraction(2) ** shift)
    return result if value > 0 else -result


def _scaled(numerator: int, denominator: int, shift: int) -> tuple[int, int]:
    if shift >= 0:
        return divmod(numerator << shift, denominator)
    return divmod(numerator, denominator << -shift)


def _shortest(exact: Fraction) -> Number:
    """The fewest significant digits that round back to ``exact``."""
    low, high = 1, _MAX_DIGITS
    while low < high:
        middle = (low + high) // 2
        if _round(Fraction(_digits(exact, middle))) == exact:
            high = middle
        else:
            low = middle + 1
    return Number(_digits(exact, low).normalize(_EXACT))


def _digits(exact: Fraction, count: int) -> Decimal:
    """``exact`` rounded to ``count`` significant digits, ties to even."""
    magnitude = abs(exact)
    exponent = len(str(magnitude.numerator)) - len(str(magnitude.denominator))
    while Fraction(10) ** exponent > magnitude:
        exponent -= 1
    while Fraction(10) ** (exponent + 1) <= magnitude:
        exponent += 1
    place = exponent - count + 1
    digits = round(magnitude / Fraction(10) ** place)
    sign = "-" if exact < 0 else ""
    return Decimal(f"{sign}{digits}E{place}")
