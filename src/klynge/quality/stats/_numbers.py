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


def to_fraction(value: Any) -> Fraction:
    """Exact rational value of an int, float, Decimal or Fraction (floats are converted exactly)."""
    if isinstance(value, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(value, float | Decimal) and not math.isfinite(value):
        raise ValueError(f"not a finite number: {value!r}")
    return Fraction(value)


def exact_or_none(value: Any) -> Fraction | None:
    return None if is_missing(value) else to_fraction(value)


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)
