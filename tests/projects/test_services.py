"""The workshop, projects, states, rotation and revisits through the services, on the real database."""

import datetime as dt

import pytest
from django.core.management import call_command

from klynge.core.models import OutboxMessage, Role
from klynge.core.services import ServiceError
from klynge.projects import selectors, services
from klynge.projects.models import Dot, GroupSignup, PlanStatus, ProjectStatus, ProjectVersion
from klynge.projects.rounds import services as round_services
from tests.factories import make_person

from .conftest import WELL_DELIMITED, meeting_on

pytestmark = pytest.mark.django_db
S = ProjectStatus


@pytest.fixture
def round(world):
    return round_services.round_create(
        cluster=world.cluster, title="Workshop", dots_per_member=3, by=world.chair
    )


def test_round_has_a_short_code_and_members_submit_ideas(world, round):
    assert len(round.code) == 6 and round.code.isupper()
    idea = round_services.idea_submit(
        round=round, person=world.member, title=" Fluconazol ", why_it_matters="Resistens"
    )
    assert idea.title == "Fluconazol" and idea.cluster == world.cluster
    with pytest.raises(ServiceError):
        round_services.idea_submit(round=round, person=world.member, title="  ")
    with pytest.raises(ServiceError):
        round_services.idea_submit(round=round, person=world.guest, title="Gæstens idé")


def test_dots_are_limited_and_stacking_is_configurable(world, round):
    a = round_services.idea_submit(round=round, person=world.member, title="A")
    b = round_services.idea_submit(round=round, person=world.member, title="B")
    for _ in range(3):
        round_services.dot_add(round=round, idea=a, person=world.member)
    with pytest.raises(ServiceError, match="alle dine 3 prikker"):
        round_services.dot_add(round=round, idea=b, person=world.member)
    round_services.dot_remove(round=round, idea=a, person=world.member)
    round_services.dot_add(round=round, idea=b, person=world.member)

    no_stack = round_services.round_create(cluster=world.cluster, title="Uden stabling", allow_stacking=False)
    c = round_services.idea_submit(round=no_stack, person=world.member, title="C")
    round_services.dot_add(round=no_stack, idea=c, person=world.member)
    with pytest.raises(ServiceError, match="én prik"):
        round_services.dot_add(round=no_stack, idea=c, person=world.member)


def test_group_limit(world, round, members):
    round.group_limit = 2
    round.save()
    idea = round_services.idea_submit(round=round, person=world.member, title="A")
    round_services.signup_add(round=round, idea=idea, person=members[0])
    round_services.signup_add(round=round, idea=idea, person=members[1])
    round_services.signup_add(round=round, idea=idea, person=members[1])  # twice is once
    with pytest.raises(ServiceError, match="fuld"):
        round_services.signup_add(round=round, idea=idea, person=members[2])
    round_services.signup_remove(round=round, idea=idea, person=members[0])
    round_services.signup_add(round=round, idea=idea, person=members[2])
    assert idea.signups.count() == 2


def test_merging_moves_dots_and_signups_to_the_kept_idea(world, round, members):
    keep = round_services.idea_submit(round=round, person=world.member, title="Antibiotika")
    dup = round_services.idea_submit(round=round, person=members[0], title="Antibiotika – er vi opdaterede?")
    round_services.dot_add(round=round, idea=dup, person=members[0])
    round_services.dot_add(round=round, idea=dup, person=members[1])
    round_services.dot_add(round=round, idea=keep, person=members[1])
    round_services.signup_add(round=round, idea=dup, person=members[0])
    round_services.signup_add(round=round, idea=dup, person=members[1])
    round_services.signup_add(round=round, idea=keep, person=members[1])
    round_services.idea_merge(round=round, duplicate=dup, keep=keep, by=world.chair)
    assert Dot.objects.filter(idea=keep).count() == 3
    assert set(GroupSignup.objects.filter(idea=keep).values_list("person_id", flat=True)) == {
        members[0].pk,
        members[1].pk,
    }
    ideas = selectors.round_ideas(round=round)
    assert [i.title for i in ideas] == ["Antibiotika"]
    with pytest.raises(ServiceError):
        round_services.dot_add(round=round, idea=dup, person=members[2])


def test_closing_ranks_the_ideas_and_stops_the_voting(world, round, members):
    a = round_services.idea_submit(round=round, person=world.member, title="A")
    b = round_services.idea_submit(round=round, person=world.member, title="B")
    c = round_services.idea_submit(round=round, person=world.member, title="C")
    round_services.dot_add(round=round, idea=b, person=members[0])
    round_services.dot_add(round=round, idea=b, person=members[0])
    round_services.dot_add(round=round, idea=c, person=members[1])
    round_services.dot_add(round=round, idea=c, person=members[2])
    round_services.dot_add(round=round, idea=a, person=members[1])
    closed = round_services.round_close(round=round, by=world.chair)
    assert [r["title"] for r in closed.ranking] == ["C", "B", "A"]
    assert "færre personer" in closed.ranking[1]["tie_note"]
    with pytest.raises(ServiceError, match="lukket"):
        round_services.dot_add(round=round, idea=a, person=members[0])


def _project(world, round, members, title="Fluconazol"):
    idea = round_services.idea_submit(round=round, person=world.member, title=title, description="Øget brug")
    round_services.signup_add(round=round, idea=idea, person=members[0])
    round_services.signup_add(round=round, idea=idea, person=members[1])
    return services.project_create(
        cluster=world.cluster, title="", lead=members[0], board_contact=world.chair, idea=idea, by=world.chair
    )


def test_project_from_an_idea_gets_the_group_with_one_lead(world, round, members):
    project = _project(world, round, members)
    assert project.title == "Fluconazol" and project.background == "Øget brug"
    assert project.status == S.IDEA
    assert {(m.person_id, m.is_lead) for m in project.members.all()} == {
        (members[0].pk, True),
        (members[1].pk, False),
    }
    services.project_set_lead(project=project, person=members[1], by=world.chair)
    assert list(project.members.filter(is_lead=True).values_list("person_id", flat=True)) == [members[1].pk]
    with pytest.raises(ServiceError, match="bestyrelse"):
        services.project_create(cluster=world.cluster, title="X", lead=members[0], board_contact=members[1])


def test_every_saved_version_is_kept(world, round, members):
    project = _project(world, round, members)
    services.project_save(project=project, by=members[0], purpose="Mindre fluconazol.")
    services.project_save(project=project, by=members[1], purpose="Mindre fluconazol til kvinder.")
    services.project_save(project=project, by=members[1], purpose="Mindre fluconazol til kvinder.")
    versions = list(ProjectVersion.objects.filter(project=project).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[2].data["purpose"] == "Mindre fluconazol til kvinder."
    assert versions[1].saved_by == members[0]
    project.refresh_from_db()
    assert project.status == S.DESCRIPTION


def test_a_member_cannot_edit_a_group_they_are_not_in(world, round, members):
    project = _project(world, round, members)
    with pytest.raises(ServiceError, match="projektgruppen"):
        services.project_save(project=project, by=members[2], purpose="Snyd")
    with pytest.raises(ServiceError):
        services.project_transition(project=project, to_status=S.DESCRIPTION, by=members[2])
    with pytest.raises(ServiceError):
        services.project_member_add(project=project, person=members[2], by=members[0])
    with pytest.raises(ServiceError):
        services.project_set_lead(project=project, person=members[0], by=members[2])


def test_states_follow_the_allowed_transitions_and_record_who_and_when(world, round, members):
    project = _project(world, round, members)
    services.project_save(
        project=project, by=members[0], **{k: v for k, v in WELL_DELIMITED.items() if k != "lead_count"}
    )
    services.project_transition(project=project, to_status=S.READY, by=members[0])
    with pytest.raises(ServiceError, match="bestyrelsen"):
        services.project_transition(project=project, to_status=S.APPROVED, by=members[0])
    with pytest.raises(ServiceError, match="kan ikke gå fra"):
        services.project_transition(project=project, to_status=S.HELD, by=world.chair)
    services.project_transition(project=project, to_status=S.APPROVED, by=world.chair)
    services.project_transition(project=project, to_status=S.PARKED, by=world.chair, note="Venter på data")
    steps = [(t.from_status, t.to_status, t.by) for t in project.transitions.all()]
    assert steps == [
        ("", S.IDEA, world.chair),
        (S.IDEA, S.DESCRIPTION, members[0]),
        (S.DESCRIPTION, S.READY, members[0]),
        (S.READY, S.APPROVED, world.chair),
        (S.APPROVED, S.PARKED, world.chair),
    ]
    assert all(t.at for t in project.transitions.all())


def test_approval_needs_a_revisit_date(world, round, members):
    project = _project(world, round, members)
    services.project_transition(project=project, to_status=S.DESCRIPTION, by=members[0])
    services.project_transition(project=project, to_status=S.READY, by=members[0])
    with pytest.raises(ServiceError, match="genbesøg"):
        services.project_transition(project=project, to_status=S.APPROVED, by=world.chair)


def _approved(world, round, members, title, rank_revisit=dt.date(2027, 6, 1)):
    project = _project(world, round, members, title=title)
    services.project_save(project=project, by=world.chair, revisit_date=rank_revisit)
    services.project_transition(project=project, to_status=S.READY, by=world.chair)
    services.project_transition(project=project, to_status=S.APPROVED, by=world.chair)
    project.refresh_from_db()
    return project


TODAY = dt.date(2026, 1, 10)


def test_rotation_propose_park_add_meeting_and_publish(world, round, members):
    a = _approved(world, round, members, "A")
    b = _approved(world, round, members, "B")
    c = _approved(world, round, members, "C")
    for project, rank in ((a, 2), (b, 1), (c, 3)):
        type(project).objects.filter(pk=project.pk).update(rank=rank)
    m1 = meeting_on(world.cluster, dt.date(2026, 3, 5))
    m2 = meeting_on(world.cluster, dt.date(2026, 9, 3))
    meeting_on(world.cluster, dt.date(2026, 5, 1), title="Bestyrelsesmøde", kind="bestyrelsesmoede")

    plan = services.rotation_propose(cluster=world.cluster, by=world.chair, today=TODAY)
    assert [(s.project.title, s.meeting) for s in selectors.plan_slots(plan)] == [("B", m1), ("A", m2)]
    assert plan.unplaced[0]["title"] == "C"

    services.project_transition(project=b, to_status=S.PARKED, by=world.chair)
    plan = services.rotation_propose(cluster=world.cluster, by=world.chair, today=TODAY)
    assert [(s.project.title, s.meeting) for s in selectors.plan_slots(plan)] == [("A", m1), ("C", m2)]

    m3 = meeting_on(world.cluster, dt.date(2027, 2, 4))
    services.project_transition(project=b, to_status=S.DESCRIPTION, by=world.chair)
    plan = services.rotation_propose(cluster=world.cluster, by=world.chair, today=TODAY)
    slots = list(selectors.plan_slots(plan))
    assert [(s.project.title, s.meeting) for s in slots] == [("A", m1), ("C", m2)]
    assert world.cluster.rotation_plans.filter(status=PlanStatus.DRAFT).count() == 1

    with pytest.raises(ServiceError, match="allerede"):
        services.rotation_slot_move(plan=plan, slot=slots[1], meeting=m1)
    services.rotation_slot_move(plan=plan, slot=slots[1], meeting=m3)
    services.rotation_publish(plan=plan, by=world.chair)
    a.refresh_from_db()
    c.refresh_from_db()
    assert a.status == S.PLANNED and a.taken_up_meeting == m1
    assert a.revisit_date == dt.date(2027, 6, 1)  # inside the window: kept
    assert c.taken_up_meeting == m3 and c.revisit_date == dt.date(2028, 2, 4)  # moved: 12 months on
    assert [i.title for i in m1.agenda_items.all()] == ["Klyngeprojekt: A"]
    assert m1.agenda_items.get().responsible == members[0]
    assert [i.title for i in m3.agenda_items.all()] == ["Klyngeprojekt: C"]
    # Meetings the board gave no theme are named by their projects in every list.
    m1.refresh_from_db()
    m3.refresh_from_db()
    assert m1.display_name == "Klyngemøde 5/3 2026: A" and m3.display_name == "Klyngemøde 4/2 2027: C"
    services.project_transition(project=c, to_status=S.APPROVED, by=world.chair, note="Ud af planen")
    services.project_transition(project=c, to_status=S.PARKED, by=world.chair)
    services.rotation_publish(
        plan=services.rotation_propose(cluster=world.cluster, today=TODAY), by=world.chair
    )
    m3.refresh_from_db()
    assert m3.display_name == "Klyngemøde 4/2 2027"


def test_revisit_reminder_is_queued_on_the_right_day_once(world, round, members):
    services.settings_update(cluster=world.cluster, reminder_months=2)
    project = _approved(world, round, members, "Fluconazol")
    services.project_save(
        project=project,
        by=world.chair,
        indicators="Recepter på J02AC01 pr. 1.000 kvinder",
        indicator_codes="J02AC01",
    )
    m1 = meeting_on(world.cluster, dt.date(2026, 3, 5))
    follow = meeting_on(world.cluster, dt.date(2027, 9, 2), title="Efterårsmøde 2027")
    meeting_on(world.cluster, dt.date(2027, 11, 4))
    plan = services.rotation_propose(cluster=world.cluster, today=TODAY)
    services.rotation_slot_move(
        plan=plan, slot=plan.slots.get(), meeting=m1, revisit_date=dt.date(2027, 6, 1)
    )
    services.rotation_publish(plan=plan)

    services.project_reminders_run(today=dt.date(2026, 3, 6))
    project.refresh_from_db()
    assert project.status == S.HELD
    services.project_reminders_run(today=dt.date(2027, 3, 31))
    assert OutboxMessage.objects.filter(subject__startswith="Genbesøg").count() == 0

    call_command("project_reminders", "--today", "2027-04-01")
    mails = OutboxMessage.objects.filter(subject__startswith="Genbesøg")
    board = {world.chair.email, world.coordinator.email}
    assert {m.to for m in mails} == board
    assert "J02AC01" in mails.first().body and "Efterårsmøde 2027" in mails.first().body
    project.refresh_from_db()
    assert project.followup_meeting == follow and project.revisit_reminded_on == dt.date(2027, 4, 1)

    services.project_reminders_run(today=dt.date(2027, 4, 2))
    assert OutboxMessage.objects.filter(subject__startswith="Genbesøg").count() == len(board)

    services.project_reminders_run(today=dt.date(2027, 6, 1))
    project.refresh_from_db()
    assert project.status == S.REVISIT_DUE
    item = services.followup_accept(project=project, by=world.chair)
    assert item.meeting == follow and "J02AC01" in item.description


def test_new_round_is_invited_when_every_project_is_taken_up(world, round, members):
    a = _approved(world, round, members, "A")
    round_services.round_close(round=round, by=world.chair)
    assert selectors.round_all_taken_up(cluster=world.cluster) is None
    m1 = meeting_on(world.cluster, dt.date(2026, 3, 5))
    plan = services.rotation_propose(cluster=world.cluster, today=TODAY)
    services.rotation_publish(plan=plan)
    services.project_reminders_run(today=dt.date(2026, 3, 6))
    a.refresh_from_db()
    assert a.status == S.HELD and a.taken_up_meeting == m1
    assert selectors.round_all_taken_up(cluster=world.cluster) == round


def test_load_counts_groups_leads_and_board_roles(world, round, members):
    project = _project(world, round, members)
    load = selectors.person_load(cluster=world.cluster, person=members[0])
    assert load.groups == [project] and load.leads == [project]
    assert any("projektbeskrivelsen" in text for _, text in load.tasks)
    chair = selectors.person_load(cluster=world.cluster, person=world.chair)
    assert chair.board_roles == ["Formand"] and chair.contact_for == [project]
    everyone = selectors.cluster_load(cluster=world.cluster)
    assert {ld.person.pk for ld in everyone} >= {m.pk for m in members}
    make_person(world.cluster, Role.MEMBER)
