"""Pure planning functions (no Django): ranking the ideas of a round and the rotation over meetings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from klynge.core.dates import add_months


@dataclass(frozen=True)
class IdeaTally:
    idea_id: int
    title: str
    dots: int
    voters: int
    signups: int
    order: int  # submission order: 1 = first idea submitted


@dataclass
class RankedIdea:
    position: int
    idea_id: int
    title: str
    dots: int
    voters: int
    signups: int
    tie_note: str = ""


def rank_ideas(tallies: Iterable[IdeaTally]) -> list[RankedIdea]:
    """Most dots first. Ties: more people behind the dots, then more sign-ups, then submitted first.

    Each idea that was level on dots with its neighbour carries a Danish note saying which rule
    separated them, so the ranking can be explained on the projector.
    """
    ordered = sorted(tallies, key=lambda t: (-t.dots, -t.voters, -t.signups, t.order, t.idea_id))
    ranked = [
        RankedIdea(
            position=index,
            idea_id=t.idea_id,
            title=t.title,
            dots=t.dots,
            voters=t.voters,
            signups=t.signups,
        )
        for index, t in enumerate(ordered, start=1)
    ]
    for above, below in zip(ordered, ordered[1:], strict=False):
        if above.dots != below.dots:
            continue
        target = ranked[ordered.index(below)]
        if above.voters != below.voters:
            rule = f"færre personer gav prikker ({below.voters} mod {above.voters})"
        elif above.signups != below.signups:
            rule = f"færre meldte sig til gruppen ({below.signups} mod {above.signups})"
        else:
            rule = "ideen blev foreslået senere"
        target.tie_note = f"Lige mange prikker som »{above.title}«; placeret efter, fordi {rule}."
    return ranked


@dataclass(frozen=True)
class PlanProject:
    project_id: int
    rank: int | None
    ready_from: dt.date | None = None
    title: str = ""


@dataclass(frozen=True)
class PlanMeeting:
    meeting_id: int
    date: dt.date
    capacity: int = 1


@dataclass
class Proposal:
    assignments: list[tuple[int, int]] = field(default_factory=list)  # (project_id, meeting_id)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (project_id, reason)

    def meeting_of(self, project_id: int) -> int | None:
        return next((m for p, m in self.assignments if p == project_id), None)


def propose_rotation(
    projects: Sequence[PlanProject],
    meetings: Sequence[PlanMeeting],
    *,
    today: dt.date,
    horizon_months: int = 24,
) -> Proposal:
    """Takes the projects in ranked order (unranked last) and gives each the first meeting that is
    after today, inside the horizon, on or after the day the project is ready, and not yet full.

    A project never jumps ahead of a better-ranked one at the same meeting; a project that is not
    ready simply lands on a later meeting, and the next ones fill the free places before it.
    """
    horizon = add_months(today, horizon_months)
    usable = sorted(
        (m for m in meetings if today < m.date <= horizon and m.capacity > 0),
        key=lambda m: (m.date, m.meeting_id),
    )
    free = {m.meeting_id: m.capacity for m in usable}
    proposal = Proposal()
    ordered = sorted(projects, key=lambda p: (p.rank is None, p.rank or 0, p.project_id))
    for project in ordered:
        ready = project.ready_from or today
        chosen = next((m for m in usable if m.date >= ready and free[m.meeting_id] > 0), None)
        if chosen is None:
            if not usable:
                reason = "Der er ingen klyngemøder i de næste måneder."
            elif ready > usable[-1].date:
                reason = "Projektet er først klar efter det sidste planlagte møde."
            else:
                reason = "Der er ikke plads på flere møder; tilføj et møde eller hæv kapaciteten."
            proposal.unplaced.append((project.project_id, reason))
            continue
        free[chosen.meeting_id] -= 1
        proposal.assignments.append((project.project_id, chosen.meeting_id))
    return proposal


def revisit_window(meeting_day: dt.date) -> tuple[dt.date, dt.date]:
    """The allowed revisit dates: 12 to 24 months after the meeting where the project is taken up."""
    return add_months(meeting_day, 12), add_months(meeting_day, 24)
