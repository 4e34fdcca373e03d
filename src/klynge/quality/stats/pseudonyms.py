"""Stable pseudonyms for practices: "Praksis A" ... "Praksis Z", "Praksis AA", ... (spreadsheet style)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from string import ascii_uppercase

PREFIX = "Praksis"


def pseudonym_label(index: int) -> str:
    """Label for a 0-based index: 0 → "Praksis A", 25 → "Praksis Z", 26 → "Praksis AA" (bijective base 26)."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("index must be a non-negative integer")
    letters = []
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters.append(ascii_uppercase[rem])
    return f"{PREFIX} {''.join(reversed(letters))}"


def pseudonyms(keys: Iterable[Hashable]) -> dict[Hashable, str]:
    """Map each key to a label in the order given.

    The caller passes keys in a stable order (e.g. sorted by the practice's internal id), so the same
    practice keeps its label between pages and exports. Duplicate keys are an error.
    """
    out: dict[Hashable, str] = {}
    for key in keys:
        if key in out:
            raise ValueError(f"duplicate key: {key!r}")
        out[key] = pseudonym_label(len(out))
    return out
