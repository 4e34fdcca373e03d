"""Small-number suppression (diskretionering), following Danish public health statistics (eSundhed).

These are the functions of record: every page, export and API that shows a figure of one practice
to anyone outside that practice must go through :func:`is_suppressed` (or the helpers built on it).

- A count is hidden when it is 1-4 (0 is shown): counts must be at least ``MIN_COUNT`` = 5.
- A share is hidden when its numerator is 1-4 or its denominator is 10 or less: denominators must be
  at least ``MIN_DENOMINATOR`` = 11.
- When a total is shown beside its cells, a single hidden cell is protected by also hiding another
  cell (secondary suppression), so it cannot be worked out by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

#: Smallest non-zero count that may be shown (counts 1 to MIN_COUNT - 1 are hidden).
MIN_COUNT = 5
#: Smallest denominator for which a share may be shown (denominators <= 10 are hidden).
MIN_DENOMINATOR = 11


def _check_count(value: int, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise ValueError(f"{name} must be non-negative")


def is_suppressed(numerator: int | None, denominator: int | None = None) -> bool:
    """True when the figure must be hidden: numerator 1-4, or a denominator given that is <= 10.

    A missing numerator (None) has nothing to reveal and is not "suppressed" (show it as missing),
    but a share with a small denominator is suppressed whatever its numerator.
    """
    if denominator is not None:
        _check_count(denominator, "denominator")
        if denominator < MIN_DENOMINATOR:
            return True
    if numerator is None:
        return False
    _check_count(numerator, "numerator")
    if denominator is not None and numerator > denominator:
        raise ValueError("numerator cannot exceed denominator")
    return 0 < numerator < MIN_COUNT


def suppress_count(count: int | None) -> int | None:
    """The count, or None when it is 1-4 (0 is shown; None stays None)."""
    if count is None or is_suppressed(count):
        return None
    return count


def suppress_share(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator, or None when suppressed (numerator 1-4 or denominator <= 10) or missing."""
    if numerator is None or denominator is None or is_suppressed(numerator, denominator):
        return None
    return numerator / denominator


def complementary_suppression(cells: Sequence[int], total: int | None) -> list[int | None]:
    """Hide cells of 1-4 and, if exactly one is hidden while the total is shown, one more cell.

    The second cell is the smallest remaining non-zero cell (a hidden 0 would leave the first one
    deducible as the hidden sum), falling back to a zero cell only when nothing else is left.
    Ties go to the first such cell. ``total`` None means no total is shown: no second cell is
    needed. The total itself is not judged here; pass it through :func:`suppress_count`.
    """
    for i, c in enumerate(cells):
        _check_count(c, f"cells[{i}]")
    if total is not None:
        _check_count(total, "total")
        if sum(cells) != total:
            raise ValueError("the cells must add up to the total")
    hidden = [is_suppressed(c) for c in cells]
    if total is not None and sum(hidden) == 1:
        candidates = [i for i, c in enumerate(cells) if not hidden[i] and c > 0]
        if not candidates:
            candidates = [i for i in range(len(cells)) if not hidden[i]]
        if candidates:
            hidden[min(candidates, key=lambda i: (cells[i], i))] = True
    return [None if h else c for c, h in zip(cells, hidden, strict=True)]
