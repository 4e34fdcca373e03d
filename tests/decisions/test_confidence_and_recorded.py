"""Confidence votes whose effect follows a no, votes recorded afterwards with their counts and the rules of
their day, decisions numbered per cluster and year, and a poll tied to an agenda item's minutes."""

import datetime as dt

import pytest
from django.utils import timezone

from klynge.core.models import MembershipStatus, Role
from klynge.core.selectors import membership_status
from klynge.core.services import ServiceError, membership_set_status
from klynge.decisions import services
from klynge.decisions.models import Ballot, BallotChoice, BallotCount, Decision, Poll, Turnout
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import agenda_item_create, attendance_check_in
from tests.decisions.helpers import add_voters, make_meeting, option
from tests.factories import make_person, make_practice

pytestmark = pytest.mark.django_db


def confidence_effect(practice, **extra):
    return {
        "kind": "suspend",
        "applies_if": "rejected",
        "practice_id": practice.pk,
        "ends_on": dt.date(2025, 8, 29),
        "reason": "Manglende tillid",
        **extra,
    }


def live_effect(practice):
    return confidence_effect(practice, ends_on=timezone.localdate() + dt.timedelta(days=60))


def live_vote(
    world, *, yes, no, effect, question="Er der tillid til Charlottenlund Lægehus' fortsatte deltagelse?"
):
    people = add_voters(world, yes + no)
    meeting = make_meeting(
        world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, when=timezone.now() - dt.timedelta(hours=1)
    )
    for person in people:
        attendance_check_in(meeting=meeting, person=person)
    poll = services.poll_create(
        cluster=world.cluster, meeting=meeting, question=question, effect=effect, by=world.chair
    )
    services.poll_open(poll=poll, by=world.chair)
    for index, person in enumerate(people):
        services.vote_cast(
            poll=poll, person=person, option_ids=[option(poll, "yes" if index < yes else "no")]
        )
    return services.poll_close(poll=poll, by=world.chair)


def test_no_confidence_puts_the_practice_on_hold_and_says_so(world):
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    decision = live_vote(world, yes=6, no=11, effect=live_effect(held))
    assert decision.adopted is False and decision.effect_applied is True
    assert decision.outcome_label == "Der var ikke tillid"
    assert decision.result == "6 for, 11 imod, 0 undlod. Der var ikke tillid."
    assert decision.effect.startswith("Der var ikke tillid: Charlottenlund Lægehus er sat på hold fra ")
    membership = world.cluster.memberships.get(practice=held)
    assert membership_status(membership, timezone.localdate()) == MembershipStatus.SUSPENDED


def test_confidence_given_changes_nothing(world):
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    decision = live_vote(world, yes=11, no=6, effect=live_effect(held))
    assert decision.adopted is True and decision.effect_applied is False
    assert decision.outcome_label == "Der var tillid"
    assert decision.effect == "Der var tillid: Charlottenlund Lægehus fortsætter i klyngemøderne."
    assert not world.cluster.memberships.get(practice=held).periods.exists()


def test_a_tie_is_no_majority_against(world):
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    decision = live_vote(world, yes=5, no=5, effect=live_effect(held))
    assert decision.effect_applied is False and decision.outcome_label == "Intet flertal for mistillid"
    assert not world.cluster.memberships.get(practice=held).periods.exists()


def test_an_effect_that_follows_a_rejection_needs_a_yes_no_poll(world):
    held = make_practice(world.cluster)
    with pytest.raises(ServiceError) as error:
        services.poll_create(
            cluster=world.cluster,
            question="Hvem?",
            kind="single",
            options=["A", "B"],
            closes_at=timezone.now() + dt.timedelta(days=1),
            effect=confidence_effect(held),
        )
    assert "ja/nej" in str(error.value)


def _past_assembly(world, *, day=dt.date(2025, 3, 10)):
    when = timezone.make_aware(dt.datetime.combine(day, dt.time(17)))
    return make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, when=when)


def test_a_recorded_vote_follows_the_rules_of_its_day(world):
    meeting = _past_assembly(world)
    voters = add_voters(world, 4)  # members since 2020
    later = make_person(world.cluster, Role.MEMBER, practice=world.practice, starts_on=dt.date(2025, 6, 1))
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    on_hold = make_person(world.cluster, Role.MEMBER, practice=held)
    membership_set_status(
        membership=world.cluster.memberships.get(practice=held),
        status=MembershipStatus.SUSPENDED,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 6, 1),
    )
    for person in [*voters, world.chair, later, on_hold]:
        attendance_check_in(meeting=meeting, person=person)
    # Four members and the chair had a vote that day; the later member and the one on hold did not.
    with pytest.raises(ServiceError) as error:
        services.poll_record(
            cluster=world.cluster,
            meeting=meeting,
            question="Skal vi?",
            counts={"yes": 4, "no": 2},
            by=world.chair,
        )
    assert "kun 5 havde stemmeret og var til stede den 10/3 2025" in str(error.value)
    assert not Poll.objects.exists()
    decision = services.poll_record(
        cluster=world.cluster,
        meeting=meeting,
        question="Skal vi?",
        counts={"yes": 3, "no": 1, "abstain": 1},
        secret=True,
        by=world.chair,
    )
    poll = decision.poll
    assert poll.recorded_afterwards and poll.recorded_by == world.chair and poll.recorded_at
    assert poll.electorate_size == 5 and decision.decided_on == dt.date(2025, 3, 10)
    assert decision.adopted and decision.recorded_afterwards and decision.secret
    assert decision.result == "3 for, 1 imod, 1 undlod. Forslaget er vedtaget."
    # A secret vote recorded afterwards leaves only its counts (where a live secret poll keeps its
    # votes), no ballots, no turnout; the tally reads them as it reads a live poll's.
    assert not Ballot.objects.exists() and not BallotChoice.objects.exists() and not Turnout.objects.exists()
    stored = {
        (c.option.code if c.option else "blank"): c.votes for c in BallotCount.objects.filter(poll=poll)
    }
    assert stored == {"yes": 3, "no": 1, "abstain": 1, "blank": 0}
    recounted = services.poll_outcome(poll, turnout=5)
    assert recounted.counts == decision.counts["counts"] and recounted.adopted


def test_a_recorded_confidence_vote_suspends_from_the_day_of_the_vote(world):
    meeting = _past_assembly(world)
    voters = add_voters(world, 17)
    for person in voters:
        attendance_check_in(meeting=meeting, person=person)
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    decision = services.poll_record(
        cluster=world.cluster,
        meeting=meeting,
        question="Er der tillid til Charlottenlund Lægehus' fortsatte deltagelse?",
        counts={"yes": 6, "no": 11},
        effect=confidence_effect(held),
        by=world.chair,
    )
    membership = world.cluster.memberships.get(practice=held)
    assert membership_status(membership, dt.date(2025, 3, 9)) == MembershipStatus.ACTIVE
    assert membership_status(membership, dt.date(2025, 3, 10)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2025, 8, 29)) == MembershipStatus.ACTIVE
    assert (
        decision.effect
        == "Der var ikke tillid: Charlottenlund Lægehus er sat på hold fra 10/3 2025 til 29/8 2025."
    )
    period = membership.periods.get()
    assert period.decision_ref == "Beslutning nr. 1 af 10/3 2025"


def test_recording_needs_a_past_meeting_with_attendance_or_a_past_day(world):
    future = make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=3))
    with pytest.raises(ServiceError, match="ikke holdt endnu"):
        services.poll_record(cluster=world.cluster, meeting=future, question="X?", counts={"yes": 1})
    past = _past_assembly(world)
    with pytest.raises(ServiceError, match="Registrér fremmødet først"):
        services.poll_record(cluster=world.cluster, meeting=past, question="X?", counts={"yes": 1})
    with pytest.raises(ServiceError, match="fremtiden"):
        services.poll_record(
            cluster=world.cluster,
            decided_on=timezone.localdate() + dt.timedelta(days=1),
            question="X?",
            counts={},
        )
    online = services.poll_record(
        cluster=world.cluster,
        decided_on=dt.date(2025, 11, 3),
        question="Åbne data?",
        counts={"yes": 1, "no": 1},
    )
    assert (
        online.decided_on == dt.date(2025, 11, 3) and online.poll.electorate_size == 2
    )  # the chair and the member
    assert Poll.objects.count() == 1


def test_decisions_are_numbered_per_cluster_and_year(world, other_world):
    past = _past_assembly(world)
    for person in add_voters(world, 3):
        attendance_check_in(meeting=past, person=person)
    other_past = _past_assembly(other_world)
    for person in add_voters(other_world, 3):
        attendance_check_in(meeting=other_past, person=person)
    numbers = []
    for cluster, meeting in [(world.cluster, past), (other_world.cluster, other_past), (world.cluster, past)]:
        decision = services.poll_record(cluster=cluster, meeting=meeting, question="X?", counts={"yes": 2})
        numbers.append(decision.reference)
    next_year = services.poll_record(
        cluster=world.cluster, decided_on=dt.date(2026, 1, 5), question="Y?", counts={"yes": 1}
    )
    assert numbers == [
        "Beslutning nr. 1 af 10/3 2025",
        "Beslutning nr. 1 af 10/3 2025",
        "Beslutning nr. 2 af 10/3 2025",
    ]
    assert next_year.number == 1
    assert Decision.objects.filter(cluster=world.cluster).count() == 3


def test_a_poll_tied_to_an_agenda_item_writes_its_decision_in_that_items_minutes(world):
    meeting = _past_assembly(world)
    item = agenda_item_create(meeting=meeting, title="Tillid til Charlottenlund Lægehus")
    other = agenda_item_create(meeting=meeting, title="Eventuelt")
    for person in add_voters(world, 17):
        attendance_check_in(meeting=meeting, person=person)
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    services.poll_record(
        cluster=world.cluster,
        agenda_item=item,
        question="Er der tillid til Charlottenlund Lægehus' fortsatte deltagelse?",
        counts={"yes": 6, "no": 11},
        effect=confidence_effect(held),
    )
    item.refresh_from_db()
    other.refresh_from_db()
    assert "6 for, 11 imod, 0 undlod. Der var ikke tillid." in item.decisions
    assert "sat på hold fra 10/3 2025 til 29/8 2025" in item.decisions
    assert other.decisions == ""
    other_meeting = _past_assembly(world, day=dt.date(2025, 5, 1))
    with pytest.raises(ServiceError, match="hører ikke til mødet"):
        services.poll_create(cluster=world.cluster, meeting=other_meeting, agenda_item=item, question="Z?")
