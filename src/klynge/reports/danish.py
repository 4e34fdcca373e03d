"""Small helpers for writing Danish: number words, counted nouns, lists joined with "og".

Pure functions with no Django import, so the prose can be tested on its own. Dates are written by
`klynge.core.dates`, the one place for them in every app.
"""

from __future__ import annotations

from collections.abc import Sequence

_WORDS = {
    2: "to",
    3: "tre",
    4: "fire",
    5: "fem",
    6: "seks",
    7: "syv",
    8: "otte",
    9: "ni",
    10: "ti",
    11: "elleve",
    12: "tolv",
}


def number_word(n: int, *, neuter: bool = False, stressed: bool = False) -> str:
    """One to twelve in words, larger numbers in digits: 1 → "en"/"et" (stressed "én"/"ét"), 3 → "tre"."""
    if n == 1:
        if neuter:
            return "ét" if stressed else "et"
        return "én" if stressed else "en"
    return _WORDS.get(n, str(n))


def count(n: int, singular: str, plural: str, *, neuter: bool = False, stressed: bool = False) -> str:
    """ "et internat", "tre klyngemøder", "14 læger"."""
    noun = singular if n == 1 else plural
    return f"{number_word(n, neuter=neuter, stressed=stressed)} {noun}"


def join_and(items: Sequence[str], *, conjunction: str = "og") -> str:
    """ "A", "A og B", "A, B og C"."""
    items = [item for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def lower_first(text: str) -> str:
    """Lower-cases the first letter unless the first word is an abbreviation (KIAP, KOL, PLO), also in
    the genitive or with a suffix (PLOs, KIAP's, CRP-måling)."""
    text = (text or "").strip()
    if not text:
        return text
    first = text.split()[0]
    if len(first) > 1 and first[1].isupper():
        return text
    return text[0].lower() + text[1:]


def upper_first(text: str) -> str:
    text = (text or "").strip()
    return text[:1].upper() + text[1:]


def sentence(text: str) -> str:
    """Capital first letter and a full stop (unless the text already ends a sentence)."""
    text = upper_first(text)
    if text and text[-1] not in ".!?":
        text += "."
    return text


def strip_end(text: str) -> str:
    """The text without a final full stop, for use inside a sentence."""
    return (text or "").strip().rstrip(".").strip()
