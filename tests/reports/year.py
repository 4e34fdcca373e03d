"""A year of records (2024) for a new cluster, built only through the services of every app."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from klynge.core.models import Role
from klynge.decisions import services as decisions
from klynge.meetings import services as meetings
from klynge.meetings.models import GuestRole, MeetingKind, NoteKind, PackageSource
from klynge.projects import services as projects
from klynge.projects.models import ProjectStatus
from klynge.projects.rounds import services as rounds
from klynge.surveys import services as surveys
from klynge.surveys.models import QuestionKind
from tests.factories import ClusterWorld, make_person, make_practice

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
YEAR = 2024


def at(y, m, d, h=16, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=CPH)


def meeting(world, kind, title, start, end=None, venue="Hellerup Strandhotel", **kw):
    return meetings.meeting_create(
        cluster=world.cluster,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=end or start + dt.timedelta(hours=3),
        venue_name=venue,
        by=world.chair,
        **kw,
    )


def vote(world, *, meeting, question, voters, yes, effect=None, majority=""):
    """A poll at the meeting: `yes` of the voters vote yes, the rest no."""
    poll = decisions.poll_create(
        cluster=world.cluster,
        meeting=meeting,
        question=question,
        effect=effect,
        by=world.chair,
        majority=majority,
    )
    moment = meeting.starts_at + dt.timedelta(minutes=30)
    decisions.poll_open(poll=poll, by=world.chair, now=moment)
    options = {o.code: o.pk for o in poll.options.all()}
    for index, person in enumerate(voters):
        decisions.vote_cast(
            poll=poll, person=person, option_ids=[options["yes" if index < yes else "no"]], now=moment
        )
    return decisions.poll_close(poll=poll, by=world.chair, now=moment + dt.timedelta(minutes=5))


@dataclass
class Year:
    world: ClusterWorld
    held: object  # the suspended practice
    ga: object
    june: object
    september: object
    retreat: object
    cancelled: object


def build_year(name: str = "Klynge Øresund Nord") -> Year:
    world = ClusterWorld(name)
    cluster = world.cluster
    cluster.website = "https://www.øresundnord.dk/"
    cluster.save(update_fields=["website"])
    held = make_practice(cluster, "Lægehuset ved Åen")
    d1 = make_person(cluster, Role.MEMBER, practice=held, name="Ærlig Læge")
    d2 = make_person(cluster, Role.MEMBER, practice=held, name="Øvrig Læge")
    package = meetings.package_create(
        cluster=cluster,
        title="Antibiotika i almen praksis",
        source=PackageSource.KIAP,
        ordered_on=dt.date(2024, 1, 5),
    )

    # 11/3: the general assembly adopts values and puts Lægehuset ved Åen on hold until 3/6.
    ga = meeting(
        world,
        MeetingKind.GENERAL_ASSEMBLY,
        "Generalforsamling 2024",
        at(2024, 3, 11),
        theme="Klyngens fremtid",
    )
    meetings.agenda_item_create(
        meeting=ga, title="Værdidebat om åbenhed og forberedelse", responsible=world.chair
    )
    for person in (world.chair, world.coordinator, world.member, d1, d2):
        meetings.attendance_check_in(meeting=ga, person=person, by=world.chair)
    vote(
        world,
        meeting=ga,
        question="Skal klyngen vedtage værdier, regler og mål?",
        voters=[world.chair, world.member, d1, d2],
        yes=4,
        effect={
            "kind": "charter",
            "charter_kind": "values",
            "text": "Vi møder forberedte og deler vores data.",
        },
    )
    vote(
        world,
        meeting=ga,
        question="Skal Lægehuset ved Åen sættes på hold?",
        voters=[world.chair, world.member, d1],
        yes=2,
        effect={
            "kind": "suspend",
            "practice_id": held.pk,
            "ends_on": dt.date(2024, 6, 3),
            "reason": "Manglende tillid",
        },
    )

    # A board meeting and a cancelled cluster meeting: neither belongs in the story.
    meeting(world, MeetingKind.BOARD_MEETING, "Bestyrelsesmøde", at(2024, 4, 8))
    cancelled = meeting(
        world, MeetingKind.CLUSTER_MEETING, "Klyngemøde om KOL", at(2024, 11, 20), theme="KOL-kontrol"
    )
    meetings.meeting_cancel(meeting=cancelled, by=world.chair)

    # 3/6: the antibiotics package with own data, a questionnaire before, a guest from the municipality,
    # an idea round, and the hold extended to the next general assembly.
    june = meeting(
        world,
        MeetingKind.CLUSTER_MEETING,
        "Klyngemøde: antibiotika",
        at(2024, 6, 3),
        theme="Antibiotika til børn",
        package=package,
    )
    meetings.agenda_item_create(meeting=june, title="Egne data: andelen af penicillin V")
    meetings.agenda_item_create(meeting=june, title="Forsinket antibiotikaordination")
    meetings.guest_add(
        meeting=june,
        name="Birgitte Ærø",
        email="birgitte@kommune.example.dk",
        organisation="Gribskov Kommune, Sundhed",
        role=GuestRole.MUNICIPALITY,
    )
    survey = surveys.survey_create(
        cluster=cluster,
        title="Antibiotika til børn – før mødet",
        meeting=june,
        opens_on=dt.date(2024, 5, 20),
        closes_on=dt.date(2024, 5, 31),
        by=world.chair,
    )
    question = surveys.question_add(
        survey=survey, kind=QuestionKind.YES_NO, text="Bruger du CRP?", required=True
    )
    surveys.survey_send(survey=survey, by=world.chair, send_mail=False, now=at(2024, 5, 20, 9))
    for person in (world.chair, world.member, world.coordinator):
        surveys.survey_answer(
            survey=survey, person=person, answers={question.pk: True}, today=dt.date(2024, 5, 25)
        )
    for person in (world.chair, world.coordinator, world.member, world.alternate):
        meetings.attendance_check_in(meeting=june, person=person, by=world.chair)
    idea_round = rounds.round_create(cluster=cluster, title="Idérunde 2024", meeting=june, by=world.chair)
    ideas = [
        rounds.idea_submit(round=idea_round, person=world.member, title="Sårbare ældre efter udskrivelse"),
        rounds.idea_submit(round=idea_round, person=world.chair, title="Færre sovepiller"),
    ]
    rounds.round_close(round=idea_round, by=world.chair)
    elderly = projects.project_create(
        cluster=cluster, title="", lead=world.member, idea=ideas[0], by=world.chair
    )
    projects.project_create(cluster=cluster, title="", lead=world.chair, idea=ideas[1], by=world.chair)
    vote(
        world,
        meeting=june,
        question="Skal pausen for Lægehuset ved Åen forlænges?",
        voters=[world.chair, world.member],
        yes=2,
        effect={"kind": "suspend", "practice_id": held.pk, "until_next_general_assembly": True},
    )

    # 9/9: the cluster takes up the project on frail elderly people.
    september = meeting(
        world, MeetingKind.CLUSTER_MEETING, "Klyngemøde: sårbare ældre", at(2024, 9, 9), theme="Sårbare ældre"
    )
    projects.project_save(
        project=elderly, by=world.chair, purpose="Færre genindlæggelser", revisit_date=dt.date(2025, 9, 15)
    )
    projects.project_transition(project=elderly, to_status=ProjectStatus.READY, by=world.chair)
    projects.project_transition(project=elderly, to_status=ProjectStatus.APPROVED, by=world.chair)
    plan = projects.rotation_propose(cluster=cluster, by=world.chair, today=dt.date(2024, 6, 4))
    projects.rotation_publish(plan=plan, by=world.chair)
    meetings.attendance_check_in(meeting=september, person=world.chair, by=world.chair)
    meetings.attendance_check_in(meeting=september, person=world.member, by=world.chair)
    projects.project_reminders_run(today=dt.date(2024, 9, 10))

    # 4/10-5/10: the retreat with a facilitator, a speaker and wishes for the next retreat.
    retreat = meeting(
        world,
        MeetingKind.RETREAT,
        "Internat 2024",
        at(2024, 10, 4, 9),
        end=at(2024, 10, 5, 15),
        venue="Hotel Marienlyst",
        theme="Arbejdsglæde og trivsel",
    )
    facilitator = meetings.guest_add(
        meeting=retreat,
        name="Søren Ågård",
        email="soren@trivsel.example.dk",
        organisation="Trivselshuset",
        role=GuestRole.FACILITATOR,
    )
    speaker = meetings.guest_add(
        meeting=retreat,
        name="Åse Øberg",
        email="aase@plo.example.dk",
        organisation="PLO",
        role=GuestRole.SPEAKER,
    )
    meetings.agenda_item_create(
        meeting=retreat, title="Uddelegering i klinikken", responsible=facilitator.person
    )
    meetings.agenda_item_create(meeting=retreat, title="Fremtidens almen praksis", responsible=speaker.person)
    meetings.meeting_note_add(
        meeting=retreat, text="Klagesager og kritik", kind=NoteKind.RETREAT_WISH, by=world.chair
    )
    meetings.meeting_note_add(
        meeting=retreat, text="Mere om søvn og stress", kind=NoteKind.RETREAT_WISH, by=world.chair
    )
    for person in (world.chair, world.member):
        meetings.attendance_check_in(meeting=retreat, person=person, by=world.chair)

    # The dates decided for 2025.
    meetings.next_year_plan_create(
        cluster=cluster,
        by=world.chair,
        entries=[
            {
                "kind": MeetingKind.GENERAL_ASSEMBLY,
                "title": "Generalforsamling 2025",
                "starts_at": at(2025, 3, 10),
                "ends_at": at(2025, 3, 10, 19),
                "venue_name": "Hellerup Strandhotel",
            },
            {
                "kind": MeetingKind.CLUSTER_MEETING,
                "title": "Klyngemøde",
                "starts_at": at(2025, 6, 2),
                "ends_at": at(2025, 6, 2, 19),
                "venue_name": "Gentofte Rådhus",
            },
            {
                "kind": MeetingKind.RETREAT,
                "title": "Internat 2025",
                "starts_at": at(2025, 10, 3, 9),
                "ends_at": at(2025, 10, 4, 15),
                "venue_name": "Hotel Marienlyst",
            },
        ],
    )
    return Year(
        world=world, held=held, ga=ga, june=june, september=september, retreat=retreat, cancelled=cancelled
    )
