"""Majorities, quorum and ties against worked examples (exact integers and fractions)."""

from fractions import Fraction

import pytest

from klynge.decisions import results


def yes_no(yes, no, abstain=0, *, entitled=20, majority="simple", present=None, members=20, quorum=0, **kw):
    return results.tally_yes_no(
        yes=yes,
        no=no,
        abstain=abstain,
        entitled=entitled,
        majority=majority,
        present=entitled if present is None else present,
        members_total=members,
        quorum_percent=quorum,
        **kw,
    )


def test_simple_majority_does_not_count_abstentions():
    # 7 for, 6 against, 7 abstain: 7 of 13 votes cast is a simple majority even though 7 < 20/2.
    outcome = yes_no(7, 6, 7)
    assert outcome.adopted
    assert outcome.share == Fraction(7, 13)
    assert "7 for, 6 imod, 7 undlod" in outcome.summary


def test_absolute_majority_counts_everyone_entitled():
    # Same votes under an absolute majority of 20 entitled: 7 is not more than 10.
    assert not yes_no(7, 6, 7, majority="absolute").adopted
    assert not yes_no(10, 0, 10, majority="absolute").adopted  # exactly half is not a majority
    assert yes_no(11, 0, 9, majority="absolute").adopted


@pytest.mark.parametrize(
    ("yes", "no", "adopted"),
    [(20, 10, True), (19, 10, False), (2, 1, True), (66, 34, False), (67, 33, True), (0, 0, False)],
)
def test_qualified_two_thirds_of_votes_cast(yes, no, adopted):
    # 20 of 30 is exactly 2/3 (adopted); 19 of 29 is 0.655... (not); 66 of 100 is short of 2/3.
    assert yes_no(yes, no, 5, entitled=200, majority="two_thirds").adopted is adopted


def test_tie_is_not_adopted_without_a_casting_vote():
    outcome = yes_no(5, 5, 2)
    assert outcome.tie and not outcome.adopted
    assert "Stemmelighed" in outcome.summary
    # A casting vote is ignored when the statutes do not give the chair one.
    assert not yes_no(5, 5, casting_vote="yes").adopted


def test_tie_decided_by_chair_when_statutes_say_so():
    assert yes_no(5, 5, casting_vote="yes", chair_has_casting_vote=True).adopted
    assert not yes_no(5, 5, casting_vote="no", chair_has_casting_vote=True).adopted
    assert not yes_no(5, 5, chair_has_casting_vote=True).adopted


def test_quorum_from_members_present():
    # Quorum 50 %: 15 of 30 members present is exactly half (quorate); 14 is not.
    assert yes_no(10, 2, entitled=15, present=15, members=30, quorum=50).adopted
    outcome = yes_no(10, 2, entitled=14, present=14, members=30, quorum=50)
    assert not outcome.adopted and not outcome.quorate
    assert "ikke beslutningsdygtig" in outcome.summary
    # One third: 1/3 of 3 members is exactly enough; no floating point rounding.
    assert results.quorate(present=1, members_total=3, quorum_percent=34) is False
    assert results.quorate(present=10, members_total=30, quorum_percent=33) is True


def test_one_of_several_plurality_and_tie():
    outcome = results.tally_choice(
        counts={"Bernstorff": 8, "Marienlyst": 5, "Hotel Koldingfjord": 3},
        blank=1,
        entitled=17,
        majority="simple",
        present=17,
        members_total=17,
    )
    assert outcome.adopted and outcome.winner == "Bernstorff"
    tie = results.tally_choice(
        counts={"A": 4, "B": 4, "C": 1}, blank=0, entitled=9, majority="simple", present=9, members_total=9
    )
    assert not tie.adopted and tie.tie
    absolute = results.tally_choice(
        counts={"A": 5, "B": 4, "C": 3},
        blank=0,
        entitled=12,
        majority="absolute",
        present=12,
        members_total=12,
    )
    assert not absolute.adopted  # 5 of 12 is not more than half


def test_election_seats_then_alternates_ranked_by_votes():
    outcome = results.tally_election(
        counts={"Anna": 12, "Bo": 9, "Carl": 7, "Dorte": 4, "Ejnar": 2, "Frida": 0},
        seats=2,
        alternates=2,
        present=15,
        members_total=15,
    )
    assert outcome.elected == ["Anna", "Bo"]
    assert outcome.alternates == ["Carl", "Dorte"]
    assert not outcome.tie


def test_election_tie_across_the_last_seat_is_undecided():
    outcome = results.tally_election(
        counts={"Anna": 12, "Bo": 7, "Carl": 7, "Dorte": 2},
        seats=2,
        alternates=1,
        present=15,
        members_total=15,
    )
    assert outcome.elected == ["Anna"]
    assert outcome.tie
    assert "Stemmelighed" in outcome.summary


def test_percent_text_uses_exact_arithmetic():
    assert results.percent_text(2, 3) == "66,7 %"
    assert results.percent_text(1, 8) == "12,5 %"
