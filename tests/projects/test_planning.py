"""Ranking of ideas and the rotation proposal, as pure functions."""

import datetime as dt

from klynge.projects.planning import (
    IdeaTally,
    PlanMeeting,
    PlanProject,
    propose_rotation,
    rank_ideas,
    revisit_window,
)

TODAY = dt.date(2026, 1, 10)


def test_ranking_breaks_ties_deterministically_and_explains_them():
    ranked = rank_ideas(
        [
            IdeaTally(1, "Osteoporose", dots=4, voters=2, signups=1, order=1),
            IdeaTally(2, "Fluconazol", dots=6, voters=4, signups=3, order=2),
            IdeaTally(3, "Antibiotika", dots=4, voters=3, signups=0, order=3),
            IdeaTally(4, "Sygemeldinger", dots=1, voters=1, signups=2, order=4),
            IdeaTally(5, "Kræftpakker", dots=1, voters=1, signups=2, order=5),
            IdeaTally(6, "SOFT", dots=1, voters=1, signups=1, order=6),
        ]
    )
    assert [r.title for r in ranked] == [
        "Fluconazol",
        "Antibiotika",
        "Osteoporose",
        "Sygemeldinger",
        "Kræftpakker",
        "SOFT",
    ]
    assert [r.position for r in ranked] == [1, 2, 3, 4, 5, 6]
    assert ranked[0].tie_note == "" and ranked[1].tie_note == ""
    assert "færre personer gav prikker (2 mod 3)" in ranked[2].tie_note
    assert "foreslået senere" in ranked[4].tie_note
    assert "færre meldte sig til gruppen (1 mod 2)" in ranked[5].tie_note


def meetings(*days, capacity=1):
    return [PlanMeeting(i + 100, d, capacity) for i, d in enumerate(days)]


M1, M2, M3 = dt.date(2026, 3, 1), dt.date(2026, 9, 1), dt.date(2027, 3, 1)


def test_rotation_respects_order_capacity_and_dates():
    projects = [PlanProject(1, 2), PlanProject(2, 1), PlanProject(3, 3)]
    proposal = propose_rotation(projects, meetings(M1, M2, M3), today=TODAY)
    assert proposal.assignments == [(2, 100), (1, 101), (3, 102)]
    assert proposal.unplaced == []


def test_capacity_two_puts_two_projects_on_a_meeting():
    projects = [PlanProject(1, 1), PlanProject(2, 2), PlanProject(3, 3)]
    proposal = propose_rotation(projects, meetings(M1, M2, capacity=2), today=TODAY)
    assert proposal.assignments == [(1, 100), (2, 100), (3, 101)]


def test_a_project_not_ready_goes_later_and_the_next_fills_the_gap():
    projects = [PlanProject(1, 1, ready_from=dt.date(2026, 6, 1)), PlanProject(2, 2)]
    proposal = propose_rotation(projects, meetings(M1, M2), today=TODAY)
    assert proposal.assignments == [(1, 101), (2, 100)]


def test_past_meetings_and_meetings_beyond_24_months_are_not_used():
    past, far = dt.date(2025, 12, 1), dt.date(2028, 3, 1)
    projects = [PlanProject(1, 1), PlanProject(2, 2)]
    proposal = propose_rotation(projects, meetings(past, M1, far), today=TODAY)
    assert proposal.assignments == [(1, 101)]
    assert proposal.unplaced[0][0] == 2
    assert "plads" in proposal.unplaced[0][1]


def test_adding_a_meeting_places_the_waiting_project():
    projects = [PlanProject(1, 1), PlanProject(2, 2)]
    assert propose_rotation(projects, meetings(M1), today=TODAY).meeting_of(2) is None
    assert propose_rotation(projects, meetings(M1, M2), today=TODAY).meeting_of(2) == 101


def test_no_meetings_explains_itself():
    proposal = propose_rotation([PlanProject(1, 1)], [], today=TODAY)
    assert proposal.unplaced == [(1, "Der er ingen klyngemøder i de næste måneder.")]


def test_revisit_window_is_12_to_24_months():
    assert revisit_window(dt.date(2026, 3, 1)) == (dt.date(2027, 3, 1), dt.date(2028, 3, 1))
    assert revisit_window(dt.date(2024, 2, 29)) == (dt.date(2025, 2, 28), dt.date(2026, 2, 28))
