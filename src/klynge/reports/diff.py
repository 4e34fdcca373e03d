"""What changed between two drafts, sentence by sentence (difflib), for the page."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ»\d])")


def units(text: str) -> list[str]:
    """The text's lines split into sentences: small enough that a changed fact stands out."""
    result = []
    for line in (text or "").splitlines():
        line = line.strip()
        if line:
            result.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return result


@dataclass
class Change:
    kind: str  # "added" or "removed"
    text: str


def changes(old: str, new: str) -> list[Change]:
    """The sentences removed from and added to the draft, in the order they stand."""
    result = []
    matcher = difflib.SequenceMatcher(a=units(old), b=units(new), autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        result.extend(Change("removed", text) for text in matcher.a[a1:a2])
        result.extend(Change("added", text) for text in matcher.b[b1:b2])
    return result


def unified(old: str, new: str) -> str:
    """A plain unified diff of the two drafts (for the API)."""
    if old == new:
        return ""
    lines = difflib.unified_diff(
        [u + "\n" for u in units(old)], [u + "\n" for u in units(new)], "forrige udkast", "nyt udkast", n=1
    )
    return "".join(lines)
