"""Small helpers shared by the statistics modules (no Django, standard library only)."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import Any


def is_missing(value: Any) -> bool:
    """True for None and NaN (float or Decimal); such points are skipped by every analysis."""
    if value is None:
        return True
    if isinstance(value, int | Fraction):
        return False
    if isinstance(value, Decimal):
        return value.is_nan()
    return math.isnan(value)


#: Relative distance under which a value counts as equal to the centre line. Data are taken as the
#: decimals they were entered as, but figures computed upstream in binary floating point (rates per
#: patient-year) carry rounding errors of about 1e-16; a real difference in quality data is never as
#: small as 1e-12 of the value.
TIE_TOLERANCE = Fraction(1, 10**12)


def to_fraction(value: Any) -> Fraction:
    """Exact rational value of an int, float, Decimal or Fraction.

    A float is read as the shortest decimal that gives it back (``repr``), i.e. as the decimal that was
    entered: 0.1 is one tenth, not the binary double next to it, so the mean of 0.1, 0.2 and 0.3 is 0.2.
    """
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def side(value: Fraction, centre: Fraction) -> int:
    """+1 over, -1 under, 0 on the centre line (within :data:`TIE_TOLERANCE` of it, relatively)."""
    diff = value - centre
    if abs(diff) <= TIE_TOLERANCE * max(abs(value), abs(centre)):
        return 0
    return 1 if diff > 0 else -1


def exact_or_none(value: Any) -> Fraction | None:
    return None if is_missing(value) else to_fraction(value)


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)
