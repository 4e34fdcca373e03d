"""Counting votes: exact integers and fractions only (no floating point), no Django import."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

SIMPLE, ABSOLUTE, TWO_THIRDS = "simple", "absolute", "two_thirds"
NOT_QUORATE = "ikke beslutningsdygtig"


def quorate(*, present: int, members_total: int, quorum_percent: int) -> bool:
    """At least `quorum_percent` % of the members present (or voting, online)."""
    if not quorum_percent:
        return True
    if members_total <= 0:
        return False
    return Fraction(present, members_total) >= Fraction(quorum_percent, 100)


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def percent_text(part: int, whole: int) -> str:
    """'66,7 %' from exact integers (rounded half up to one decimal)."""
    if whole == 0:
        return "–"
    tenths = (Fraction(part * 1000, whole) + Fraction(1, 2)).__floor__()
    return f"{tenths // 10},{tenths % 10} %"


@dataclass
class Outcome:
    adopted: bool
    quorate: bool
    summary: str
    tie: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    share: Fraction | None = None
    elected: list[str] = field(default_factory=list)
    alternates: list[str] = field(default_factory=list)
    winner: str | None = None


def passes(*, votes_for: int, votes_against: int, entitled: int, majority: str) -> bool:
    """Does `votes_for` meet the majority rule? Ties are never a majority (see casting vote)."""
    cast = votes_for + votes_against
    if majority == SIMPLE:
        return votes_for > votes_against
    if majority == ABSOLUTE:
        return 2 * votes_for > entitled
    if majority == TWO_THIRDS:
        return cast > 0 and Fraction(votes_for, cast) >= Fraction(2, 3)
    raise ValueError(f"unknown majority rule {majority!r}")


def tally_yes_no(
    *,
    yes: int,
    no: int,
    abstain: int,
    entitled: int,
    majority: str,
    present: int,
    members_total: int,
    quorum_percent: int = 0,
    casting_vote: str = "",
    chair_has_casting_vote: bool = False,
) -> Outcome:
    counts = {"yes": yes, "no": no, "abstain": abstain}
    if not quorate(present=present, members_total=members_total, quorum_percent=quorum_percent):
        return Outcome(
            False, False, f"Forsamlingen var {NOT_QUORATE}; forslaget er ikke vedtaget.", counts=counts
        )
    cast = yes + no
    share = Fraction(yes, cast) if cast else None
    tie = yes == no
    adopted = passes(votes_for=yes, votes_against=no, entitled=entitled, majority=majority)
    summary = f"{yes} for, {no} imod, {abstain} undlod."
    if tie and chair_has_casting_vote and casting_vote in ("yes", "no") and majority == SIMPLE:
        adopted = casting_vote == "yes"
        summary += " Stemmelighed; formandens stemme var afgørende."
    elif tie:
        summary += " Stemmelighed."
    summary += " Forslaget er vedtaget." if adopted else " Forslaget er ikke vedtaget."
    return Outcome(adopted, True, summary, tie=tie, counts=counts, share=share)


def tally_choice(
    *,
    counts: dict[str, int],
    blank: int,
    entitled: int,
    majority: str,
    present: int,
    members_total: int,
    quorum_percent: int = 0,
    casting_vote: str = "",
    chair_has_casting_vote: bool = False,
) -> Outcome:
    """One of several: the option with most votes wins if it meets the rule (simple: most votes)."""
    if not quorate(present=present, members_total=members_total, quorum_percent=quorum_percent):
        return Outcome(False, False, f"Forsamlingen var {NOT_QUORATE}.", counts=dict(counts))
    cast = sum(counts.values())
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    summary = ", ".join(f"{label}: {n}" for label, n in ranked) + f"; {blank} blanke."
    if not ranked or ranked[0][1] == 0:
        return Outcome(False, True, summary + " Ingen valgt.", counts=dict(counts))
    top_votes = ranked[0][1]
    leaders = [label for label, n in ranked if n == top_votes]
    tie = len(leaders) > 1
    winner = None
    if tie:
        if chair_has_casting_vote and casting_vote in leaders:
            winner = casting_vote
            summary += " Stemmelighed; formandens stemme var afgørende."
        else:
            summary += " Stemmelighed; intet valgt."
    else:
        winner = leaders[0]
    if winner is not None and majority != SIMPLE:
        others = cast - counts[winner]
        if not passes(votes_for=counts[winner], votes_against=others, entitled=entitled, majority=majority):
            summary += f" {winner} fik ikke det krævede flertal."
            winner = None
    if winner is not None:
        summary += f" Valgt: {winner}."
    share = Fraction(counts[winner], cast) if winner and cast else None
    return Outcome(
        winner is not None, True, summary, tie=tie, counts=dict(counts), share=share, winner=winner
    )


def tally_election(
    *,
    counts: dict[str, int],
    seats: int,
    alternates: int,
    present: int,
    members_total: int,
    quorum_percent: int = 0,
) -> Outcome:
    """Up to K of N: the `seats` with most votes are elected, the next `alternates` are alternates in
    order of votes. A tie across a boundary is reported and that place is left undecided."""
    if not quorate(present=present, members_total=members_total, quorum_percent=quorum_percent):
        return Outcome(False, False, f"Forsamlingen var {NOT_QUORATE}.", counts=dict(counts))
    ranked = sorted(((label, n) for label, n in counts.items() if n > 0), key=lambda item: -item[1])
    elected: list[str] = []
    alternate_list: list[str] = []
    tie = False
    boundaries = (seats, seats + alternates)
    for index, (label, n) in enumerate(ranked):
        if index >= seats + alternates:
            break
        # A tie across the boundary of seats or of alternates leaves that place undecided.
        tied_across = any(
            other_n == n and (index < boundary <= other or other < boundary <= index)
            for boundary in boundaries
            for other, (_, other_n) in enumerate(ranked)
        )
        if tied_across:
            tie = True
            continue
        (elected if index < seats else alternate_list).append(label)
    summary = ", ".join(f"{label}: {n}" for label, n in ranked) or "Ingen stemmer."
    if elected:
        summary += " Valgt: " + ", ".join(elected) + "."
    if alternate_list:
        summary += " Suppleanter (i rækkefølge): " + ", ".join(alternate_list) + "."
    if tie:
        summary += " Stemmelighed om en plads; der skal stemmes igen eller trækkes lod om den."
    return Outcome(
        bool(elected), True, summary, tie=tie, counts=dict(counts), elected=elected, alternates=alternate_list
    )
