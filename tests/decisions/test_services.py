import datetime as dt
import uuid

import pytest
from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from klynge.core.models import MembershipStatus, Role
from klynge.core.selectors import membership_status
from klynge.core.services import ServiceError, membership_set_status
from klynge.decisions import selectors, services
from klynge.decisions.models import Ballot, BallotChoice, CharterVersion, Decision, Poll, PollStatus, Turnout
from klynge.decisions.rules import voters_of
from klynge.meetings import services as meeting_services
from klynge.meetings.models import MeetingKind, MeetingStatus
from tests.factories import make_person

from .helpers import add_voters, at, make_meeting, meeting_poll, online_poll, option

pytestmark = pytest.mark.django_db


def voters(world):
    return [world.chair, world.member]


# Who may vote --------------------------------------------------------------------------------------


def test_alternates_guests_and_coordinators_without_member_role_cannot_vote(world):
    poll = online_poll(world)
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.member, option_ids=[option(poll, "yes")])
    for person in (world.alternate, world.guest, world.coordinator):
        with pytest.raises(ServiceError, match="ikke stemmeret"):
            services.vote_cast(poll=poll, person=person, option_ids=[option(poll, "yes")])
    assert Turnout.objects.filter(poll=poll).count() == 1


def test_people_of_a_suspended_practice_cannot_vote(world):
    membership = world.cluster.memberships.get(practice=world.other_practice)
    membership_set_status(
        membership=membership,
        status=MembershipStatus.SUSPENDED,
        starts_on=timezone.localdate() - dt.timedelta(days=1),
        ends_on=timezone.localdate() + dt.timedelta(days=10),
    )
    poll = online_poll(world)
    services.poll_open(poll=poll)
    with pytest.raises(ServiceError, match="ikke stemmeret"):
        services.vote_cast(poll=poll, person=world.member, option_ids=[option(poll, "yes")])
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])


def test_at_a_meeting_only_those_checked_in_can_vote(world):
    poll = meeting_poll(world, check_in=[world.chair, world.alternate])
    services.poll_open(poll=poll)
    assert Poll.objects.get(pk=poll.pk).electorate_size == 1
    with pytest.raises(ServiceError, match="ikke stemmeret"):
        services.vote_cast(poll=poll, person=world.member, option_ids=[option(poll, "no")])
    with pytest.raises(ServiceError, match="ikke stemmeret"):
        services.vote_cast(poll=poll, person=world.alternate, option_ids=[option(poll, "no")])
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "no")])


def test_electorate_is_frozen_when_the_poll_opens(world):
    poll = online_poll(world)
    services.poll_open(poll=poll)
    late = make_person(world.cluster, Role.MEMBER, practice=world.practice)
    assert late in voters_of(cluster=world.cluster)
    with pytest.raises(ServiceError, match="ikke stemmeret"):
        services.vote_cast(poll=poll, person=late, option_ids=[option(poll, "yes")])
    with pytest.raises(ServiceError, match="åbnet"):
        services.poll_update(poll=poll, question="Et andet spørgsmål")
    assert Poll.objects.get(pk=poll.pk).question == "Skal klyngen have åbne data?"


def test_second_vote_and_vote_after_closing_are_refused(world):
    poll = online_poll(world)
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    with pytest.raises(ServiceError, match="allerede stemt"):
        services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "no")])
    services.poll_close(poll=poll)
    with pytest.raises(ServiceError, match="lukket"):
        services.vote_cast(poll=poll, person=world.member, option_ids=[option(poll, "no")])
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_online_poll_needs_a_closing_time_and_closes_when_due(world):
    poll = services.poll_create(cluster=world.cluster, question="Uden frist?")
    with pytest.raises(ServiceError, match="lukketidspunkt"):
        services.poll_open(poll=poll)
    poll = online_poll(world)
    services.poll_open(poll=poll)
    later = timezone.now() + dt.timedelta(days=3)
    with pytest.raises(ServiceError, match="lukket"):
        services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")], now=later)
    assert services.polls_close_due(now=later) == 1
    assert Poll.objects.get(pk=poll.pk).status == PollStatus.CLOSED


# Proxies -------------------------------------------------------------------------------------------


def test_proxy_beyond_the_limit_is_refused_and_proxy_votes_are_recorded(world):
    extra = add_voters(world, 2)
    poll = meeting_poll(world, check_in=[world.chair, world.member])
    services.proxy_register(poll=poll, giver=extra[0], holder=world.chair)
    with pytest.raises(ServiceError, match="højst 1"):
        services.proxy_register(poll=poll, giver=extra[1], holder=world.chair)
    with pytest.raises(ServiceError, match="ikke stemmeret"):
        services.proxy_register(poll=poll, giver=world.alternate, holder=world.member)
    services.poll_open(poll=poll)
    with pytest.raises(ServiceError, match="før afstemningen åbner"):
        services.proxy_register(poll=poll, giver=extra[1], holder=world.member)
    # Only the holder can use the proxy.
    with pytest.raises(ServiceError, match="fuldmagt"):
        services.vote_cast(
            poll=poll, person=world.member, option_ids=[option(poll, "yes")], on_behalf_of=extra[0]
        )
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")], on_behalf_of=extra[0])
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "no")])
    ballot = Ballot.objects.get(poll=poll, voter=extra[0])
    assert ballot.cast_by == world.chair  # an open poll records who acted for whom
    assert Poll.objects.get(pk=poll.pk).electorate_size == 3


def test_cluster_limit_of_two_proxies(world):
    world.cluster.max_proxies_per_member = 2
    world.cluster.save()
    extra = add_voters(world, 3)
    poll = online_poll(world)
    services.proxy_register(poll=poll, giver=extra[0], holder=world.chair)
    services.proxy_register(poll=poll, giver=extra[1], holder=world.chair)
    with pytest.raises(ServiceError, match="højst 2"):
        services.proxy_register(poll=poll, giver=extra[2], holder=world.chair)


# Secrecy -------------------------------------------------------------------------------------------


def _rows_linking_person_to_choice(poll, people, option_ids):
    """Every row of every table that names one of the people and also an option or a ballot."""
    person_ids = {p.pk for p in people}
    ballot_ids = set(Ballot.objects.filter(poll=poll).values_list("pk", flat=True))
    choice_ids = set(BallotChoice.objects.filter(ballot__poll=poll).values_list("pk", flat=True))
    found = []
    existing = set(connection.introspection.table_names())
    for model in apps.get_models():
        if model._meta.db_table not in existing:  # another app's model still without migration: no rows
            continue
        fields = list(model._meta.concrete_fields)
        for row in model.objects.all().values(*[f.attname for f in fields]):
            values = {v for v in row.values() if isinstance(v, str | int | uuid.UUID)}
            names_person = any(
                isinstance(f, models.ForeignKey)
                and f.related_model._meta.label == "core.Person"
                and row[f.attname] in person_ids
                for f in fields
            )
            names_choice = bool(values & (ballot_ids | choice_ids)) or any(
                isinstance(f, models.ForeignKey)
                and f.related_model._meta.label == "decisions.PollOption"
                and row[f.attname] in option_ids
                for f in fields
            )
            if names_person and names_choice:
                found.append((model._meta.label, row))
    return found


def test_secret_poll_leaves_no_row_linking_a_person_to_a_choice(world):
    people = [world.chair, world.member, *add_voters(world, 8)]
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    for index, person in enumerate(people):
        services.vote_cast(poll=poll, person=person, option_ids=[option(poll, "yes" if index % 3 else "no")])
    services.poll_close(poll=poll)
    option_ids = set(poll.options.values_list("pk", flat=True))
    assert _rows_linking_person_to_choice(poll, people, option_ids) == []
    for ballot in Ballot.objects.filter(poll=poll):
        assert ballot.voter_id is None and ballot.cast_by_id is None and ballot.cast_at is None
    assert {f.name for f in Turnout._meta.concrete_fields} == {"id", "poll", "person", "cast_by"}
    # Who voted (not how) is known after closing.
    assert {p.pk for p, _ in selectors.who_voted(Poll.objects.get(pk=poll.pk))} == {p.pk for p in people}
    decision = Decision.objects.get(poll=poll)
    assert decision.counts["counts"] == {"yes": 6, "no": 4, "abstain": 0}


def test_the_check_finds_the_link_in_an_open_poll(world):
    """The same check on an open (named) poll does find rows: it is able to see a link."""
    people = [world.chair, world.member]
    poll = online_poll(world, secret=False)
    services.poll_open(poll=poll)
    for person in people:
        services.vote_cast(poll=poll, person=person, option_ids=[option(poll, "yes")])
    option_ids = set(poll.options.values_list("pk", flat=True))
    assert len(_rows_linking_person_to_choice(poll, people, option_ids)) == 2


def test_a_secret_vote_adds_no_row_but_the_turnout_row(world):
    """A secret vote only changes numbers: no row is made for it, so nothing in a copy of the database
    (a key, a row id, a place in a page) can follow the order of voting."""
    people = [world.chair, world.member, *add_voters(world, 4)]
    poll = online_poll(world, secret=True, kind="multi", seats=2, options=["Anna", "Bo", "Carl"])
    services.poll_open(poll=poll)

    def rows():
        return {m._meta.label: m._default_manager.count() for m in apps.get_models()}

    for index, person in enumerate(people):
        before = rows()
        chosen = [] if index == 0 else [option(poll, "Anna"), option(poll, ["Bo", "Carl"][index % 2])]
        services.vote_cast(poll=poll, person=person, option_ids=chosen)
        after = rows()
        assert {label for label in after if after[label] != before[label]} == {"decisions.Turnout"}
    assert not Ballot.objects.filter(poll=poll).exists()
    assert not BallotChoice.objects.filter(ballot__poll=poll).exists()
    counts = {c.option.label if c.option else "blank": c.votes for c in poll.ballot_counts.all()}
    assert counts == {"Anna": 5, "Bo": 2, "Carl": 3, "blank": 1}


# Decisions and effects -----------------------------------------------------------------------------


def test_adopted_decision_puts_practice_on_hold_until_a_date(world):
    poll = online_poll(
        world,
        question="Er der tillid til Strandens Lægehus?",
        effect={
            "kind": "suspend",
            "practice_id": world.other_practice.pk,
            "ends_on": timezone.localdate() + dt.timedelta(days=30),
        },
    )
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    decision = services.poll_close(poll=poll)
    assert decision.adopted
    membership = world.cluster.memberships.get(practice=world.other_practice)
    assert membership_status(membership) == MembershipStatus.SUSPENDED
    assert (
        membership_status(membership, timezone.localdate() + dt.timedelta(days=30)) == MembershipStatus.ACTIVE
    )
    assert "sat på hold" in decision.effect
    assert membership.periods.get().decision_ref == decision.reference


def test_rejected_decision_has_no_effect(world):
    poll = online_poll(world, effect={"kind": "open_data", "open_data": True})
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "no")])
    decision = services.poll_close(poll=poll)
    world.cluster.refresh_from_db()
    assert not decision.adopted and not world.cluster.open_data


def test_open_data_setting_changed_by_decision(world):
    poll = online_poll(
        world, effect={"kind": "open_data", "open_data": True, "reason": "Vi lærer mere af åbne tal."}
    )
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    services.poll_close(poll=poll)
    world.cluster.refresh_from_db()
    assert world.cluster.open_data and world.cluster.open_data_reason == "Vi lærer mere af åbne tal."


def test_charter_versions_kept_with_diff_and_decision(world):
    services.charter_adopt(
        cluster=world.cluster,
        kind="values",
        text="Vi deler data.\nVi møder op.",
        adopted_on=dt.date(2021, 3, 1),
    )
    poll = online_poll(
        world,
        effect={
            "kind": "charter",
            "charter_kind": "values",
            "text": "Vi deler data.\nVi møder forberedte op.",
        },
    )
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    decision = services.poll_close(poll=poll)
    versions = list(selectors.charter_versions(cluster=world.cluster, kind="values"))
    assert [v.number for v in versions] == [2, 1]
    assert versions[0].decision == decision
    diff = selectors.charter_diff(versions[1], versions[0])
    assert ("removed", "Vi møder op.") in diff and ("added", "Vi møder forberedte op.") in diff
    assert CharterVersion.objects.filter(cluster=world.cluster).count() == 2


def test_suspension_until_next_general_assembly_ends_exactly_then(world):
    membership = world.cluster.memberships.get(practice=world.other_practice)
    decided = at(2022, 8, 29)
    poll = meeting_poll(
        world,
        check_in=[world.chair],
        effect={
            "kind": "suspend",
            "practice_id": world.other_practice.pk,
            "until_next_general_assembly": True,
        },
    )
    poll.meeting.starts_at = decided
    poll.meeting.ends_at = decided + dt.timedelta(hours=2)
    poll.meeting.save()
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    services.poll_close(poll=poll)
    period = membership.periods.get()
    assert period.starts_on == dt.date(2022, 8, 29) and period.ends_on is None
    assert membership_status(membership, dt.date(2030, 1, 1)) == MembershipStatus.SUSPENDED

    # A cluster meeting does not end it; planning the general assembly does, on its date.
    make_meeting(world.cluster, kind=MeetingKind.CLUSTER_MEETING, when=at(2022, 11, 5))
    period.refresh_from_db()
    assert period.ends_on is None
    assembly = make_meeting(world.cluster, when=at(2023, 2, 27))
    period.refresh_from_db()
    assert period.ends_on == dt.date(2023, 2, 27)
    assert membership_status(membership, dt.date(2023, 2, 26)) == MembershipStatus.SUSPENDED
    assert membership_status(membership, dt.date(2023, 2, 27)) == MembershipStatus.ACTIVE
    assert world.member in voters_of(cluster=world.cluster, day=dt.date(2023, 2, 27))
    assert world.member not in voters_of(cluster=world.cluster, day=dt.date(2023, 2, 26))

    # Moved to 6/3: the hold follows; cancelled: the hold runs on until the next one is planned.
    assembly.starts_at, assembly.ends_at = at(2023, 3, 6), at(2023, 3, 6, 20)
    assembly.save()
    period.refresh_from_db()
    assert period.ends_on == dt.date(2023, 3, 6)
    assembly.status = MeetingStatus.CANCELLED
    assembly.save()
    period.refresh_from_db()
    assert period.ends_on is None


def test_extension_creates_a_new_period_and_keeps_the_history(world):
    membership = world.cluster.memberships.get(practice=world.other_practice)
    first = online_poll(
        world,
        effect={
            "kind": "suspend",
            "practice_id": world.other_practice.pk,
            "ends_on": timezone.localdate() + dt.timedelta(days=10),
        },
    )
    services.poll_open(poll=first)
    services.vote_cast(poll=first, person=world.chair, option_ids=[option(first, "yes")])
    services.poll_close(poll=first)
    make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=100))
    second = online_poll(
        world,
        effect={
            "kind": "suspend",
            "practice_id": world.other_practice.pk,
            "until_next_general_assembly": True,
        },
    )
    services.poll_open(poll=second)
    services.vote_cast(poll=second, person=world.chair, option_ids=[option(second, "yes")])
    services.poll_close(poll=second)
    periods = list(membership.periods.order_by("created_at"))
    assert len(periods) == 2
    assert periods[0].ends_on == timezone.localdate() + dt.timedelta(days=10)
    assert periods[1].ends_on == timezone.localdate(timezone.now() + dt.timedelta(days=100))
    assert (
        membership_status(membership, timezone.localdate() + dt.timedelta(days=50))
        == MembershipStatus.SUSPENDED
    )


# Motions -------------------------------------------------------------------------------------------


def test_motion_after_deadline_is_refused_with_a_danish_message(world):
    assembly = make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=5))
    with pytest.raises(ServiceError, match="Fristen for forslag"):
        services.motion_create(
            cluster=world.cluster, meeting=assembly, title="Nyt logo", text="...", submitter=world.member
        )
    # The board can still add its own.
    motion = services.motion_create(
        cluster=world.cluster,
        meeting=assembly,
        title="Budget",
        text="Bestyrelsen foreslår ...",
        submitter=world.chair,
        by_board=True,
    )
    assert motion.by_board


def test_motion_attachments_are_limited_by_type_and_size(world):
    assembly = make_meeting(world.cluster)
    with pytest.raises(ServiceError, match="filtype"):
        services.motion_create(
            cluster=world.cluster,
            meeting=assembly,
            title="X",
            text="Y",
            submitter=world.member,
            attachments=[("virus.exe", b"MZ")],
        )
    with pytest.raises(ServiceError, match="fylder for meget"):
        services.motion_create(
            cluster=world.cluster,
            meeting=assembly,
            title="X",
            text="Y",
            submitter=world.member,
            attachments=[("stor.pdf", b"x" * (10 * 1024 * 1024 + 1))],
        )
    with pytest.raises(ServiceError, match="ikke en rigtig PDF"):
        services.motion_create(
            cluster=world.cluster,
            meeting=assembly,
            title="X",
            text="Y",
            submitter=world.member,
            attachments=[("falsk.pdf", b"MZ\x90\x00 not a pdf")],
        )
    assert not world.cluster.motions.exists()
    motion = services.motion_create(
        cluster=world.cluster,
        meeting=assembly,
        title="Nye vedtægter",
        text="Se bilag.",
        submitter=world.member,
        attachments=[("vedtaegter.pdf", b"%PDF-1.4 test")],
    )
    attachment = motion.attachments.get()
    assert attachment.content_type == "application/pdf" and attachment.size == 13


def test_poll_counts_multi_seat_election(world):
    people = [world.chair, world.member, *add_voters(world, 3)]
    poll = online_poll(
        world, kind="multi", seats=2, alternates=1, options=["Anna", "Bo", "Carl", "Dorte"], secret=True
    )
    services.poll_open(poll=poll)
    picks = [["Anna", "Bo"], ["Anna", "Carl"], ["Anna", "Bo"], ["Dorte"], []]
    for person, names in zip(people, picks, strict=True):
        services.vote_cast(poll=poll, person=person, option_ids=[option(poll, n) for n in names])
    decision = services.poll_close(poll=poll)
    assert decision.counts["elected"] == ["Anna", "Bo"]
    assert decision.counts["alternates"] == []  # Carl and Dorte tie for the alternate place
    assert decision.counts["tie"]


def test_too_many_choices_refused(world):
    poll = online_poll(world, kind="multi", seats=2, options=["Anna", "Bo", "Carl"])
    services.poll_open(poll=poll)
    with pytest.raises(ServiceError, match="højst 2"):
        services.vote_cast(
            poll=poll, person=world.chair, option_ids=[option(poll, n) for n in ("Anna", "Bo", "Carl")]
        )


def test_motion_placed_on_agenda_and_decision_written_in_minutes(world):
    assembly = make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=20))
    motion = services.motion_create(
        cluster=world.cluster,
        meeting=assembly,
        title="Åbne data",
        text="Vi foreslår åbne data.",
        submitter=world.member,
    )
    # Placed by the board after the deadline: it came in on time, so it goes on the agenda.
    later = timezone.now() + dt.timedelta(days=15)
    assert later > meeting_services.proposal_deadline(assembly)
    motion = services.motion_place_on_agenda(motion=motion, by=world.chair)
    item = motion.agenda_item
    assert item.meeting == assembly and item.title == "Forslag: Åbne data"
    assert item.responsible == world.member
    with pytest.raises(ServiceError, match="allerede"):
        services.motion_place_on_agenda(motion=motion)
    poll = services.poll_create(
        cluster=world.cluster, meeting=assembly, motion=motion, question="Skal klyngen have åbne data?"
    )
    from klynge.meetings.services import attendance_check_in

    attendance_check_in(meeting=assembly, person=world.chair)
    services.poll_open(poll=poll)
    services.vote_cast(poll=poll, person=world.chair, option_ids=[option(poll, "yes")])
    services.poll_close(poll=poll)
    item.refresh_from_db()
    assert "Skal klyngen have åbne data?: 1 for, 0 imod" in item.decisions


def test_closing_a_secret_poll_with_thirty_candidates_counts_each_vote(world):
    people = [world.chair, world.member, *add_voters(world, 28)]
    labels = [f"Kandidat {i}" for i in range(30)]
    poll = online_poll(world, secret=True, kind="single", options=labels)
    services.poll_open(poll=poll)
    for person, label in zip(people, labels, strict=True):
        services.vote_cast(poll=poll, person=person, option_ids=[option(poll, label)])
    services.poll_close(poll=poll)
    assert Decision.objects.get(poll=poll).counts["counts"] == dict.fromkeys(labels, 1)


def test_hold_ended_early_by_reactivation_keeps_its_end_when_a_general_assembly_is_planned(world):
    membership = world.cluster.memberships.get(practice=world.other_practice)
    membership_set_status(
        membership=membership,
        status=MembershipStatus.SUSPENDED,
        starts_on=dt.date(2024, 3, 1),
        until_next_general_assembly=True,
    )
    membership_set_status(
        membership=membership, status=MembershipStatus.ACTIVE, starts_on=dt.date(2024, 6, 1)
    )
    make_meeting(world.cluster, when=at(2025, 2, 24))
    suspended = membership.periods.get(status=MembershipStatus.SUSPENDED)
    assert suspended.ends_on == dt.date(2024, 6, 1)
    assert membership_status(membership, dt.date(2024, 7, 1)) == MembershipStatus.ACTIVE
