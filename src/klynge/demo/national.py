"""A country's worth of clusters for the national-scale benchmark (`klynge generate-national`).

Built with bulk paths that keep the rules of the services: valid ydernumre, one membership per
practice and cluster, role periods, meetings that end after they start, attendance only by members,
secret ballots without voter or time. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from klynge.core import audit
from klynge.core.models import Cluster, Membership, Person, Practice, Region, Role, RoleAssignment, Title
from klynge.decisions import services as decisions
from klynge.decisions.models import Entitlement
from klynge.meetings.models import Attendance, Meeting, MeetingKind, MeetingStatus
from klynge.projects import services as projects
from klynge.projects.models import ProjectStatus
from klynge.projects.rounds import services as rounds
from klynge.quality import cache as quality_cache
from klynge.quality import privacy as quality_privacy
from klynge.quality.generate import generate
from klynge.quality.models import Measurement
from klynge.quality.services import indicators_load_catalogue, prescriptions_import
from klynge.surveys import services as surveys
from klynge.surveys.models import QuestionKind

from .people import NameMaker
from .projects import FLUCONAZOLE
from .register import DEMO_PASSWORD

CPH = ZoneInfo("Europe/Copenhagen")
CLUSTERS = 116
REGION_WEIGHTS = [
    (Region.HOVEDSTADEN, 32),
    (Region.SJAELLAND, 17),
    (Region.SYDDANMARK, 25),
    (Region.MIDTJYLLAND, 28),
    (Region.NORDJYLLAND, 14),
]
BOARD = [Role.CHAIR, Role.VICE_CHAIR, Role.TREASURER, Role.BOARD_MEMBER, Role.BOARD_MEMBER, Role.COORDINATOR]


@dataclass
class NationalWorld:
    clusters: list[Cluster] = field(default_factory=list)
    gps_by_cluster: dict[int, list[int]] = field(default_factory=dict)
    meetings_by_cluster: dict[int, list[Meeting]] = field(default_factory=dict)


def cluster_sizes(rng: random.Random, count: int = CLUSTERS) -> list[int]:
    """GPs per cluster between 10 and 73, averaging about 30 (about 3,500 in all)."""
    sizes = [max(10, min(73, round(rng.lognormvariate(3.3, 0.45)))) for _ in range(count)]
    return sizes


def _aware(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CPH)


@transaction.atomic
@audit.bulk_writes_unaudited()
def build_register(*, seed: int, first_year: int, count: int = CLUSTERS) -> NationalWorld:
    rng = random.Random(seed)
    names = NameMaker(seed)
    password = make_password(DEMO_PASSWORD)
    regions = [region for region, weight in REGION_WEIGHTS for _ in range(weight)]
    world = NationalWorld()
    clusters = Cluster.objects.bulk_create(
        Cluster(
            name=f"Klynge {index + 1:03d}",
            slug=f"national-{index + 1:03d}",
            region=rng.choice(regions),
            founded=dt.date(2018, rng.randint(1, 12), 1),
            max_proxies_per_member=rng.choice([0, 1, 1, 2]),
        )
        for index in range(count)
    )
    world.clusters = clusters
    sizes = cluster_sizes(rng, len(clusters))
    practices, memberships, people, roles = [], [], [], []
    provider = 500000
    joined = dt.date(first_year, 1, 1)
    for cluster, gps in zip(clusters, sizes, strict=True):
        remaining = gps
        cluster_practices = []
        while remaining > 0:
            doctors = min(remaining, rng.choice([1, 1, 1, 1, 2, 2, 2, 2, 3]))
            remaining -= doctors
            provider += rng.randint(1, 37)
            practice = Practice(
                name=f"Lægehuset {provider}",
                provider_number=f"{provider:06d}",
                listed_patients=doctors * rng.randint(1300, 1900),
                listed_patients_date=joined,
            )
            cluster_practices.append((practice, doctors))
        practices.extend(p for p, _ in cluster_practices)
        cluster.planned = cluster_practices
    Practice.objects.bulk_create(practices, batch_size=1000)
    for cluster in clusters:
        for practice, doctors in cluster.planned:
            memberships.append(Membership(cluster=cluster, practice=practice, joined_on=joined))
            for _ in range(doctors):
                people.append(
                    (
                        cluster,
                        Person(
                            email=f"laege{len(people) + 1}@{cluster.slug}.national",
                            name=names.name() if len(names.used) < 2500 else f"Læge {len(people) + 1}",
                            title=Title.GP,
                            practice=practice,
                            password=password,
                        ),
                    )
                )
            people.append(
                (
                    None,
                    Person(
                        email=f"sekretaer{len(people) + 1}@{cluster.slug}.national",
                        name=f"Sekretær {len(people) + 1}",
                        title=Title.SECRETARY,
                        practice=practice,
                        password=password,
                    ),
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=2000)
    # Bulk rows send no signals: the pseudonyms and data versions a joining practice gets (klynge.quality).
    by_cluster: dict[int, list[int]] = {}
    for membership in memberships:
        by_cluster.setdefault(membership.cluster_id, []).append(membership.practice_id)
    for cluster_id, practice_ids in by_cluster.items():
        quality_privacy.pseudonyms_ensure(cluster_id=cluster_id, practice_ids=practice_ids)
        quality_cache.bump(cluster_id)
    quality_cache.bump(None)
    Person.objects.bulk_create([person for _, person in people], batch_size=2000)
    for cluster, person in people:
        if cluster is None:
            continue
        roles.append(RoleAssignment(cluster=cluster, person=person, role=Role.MEMBER, starts_on=joined))
        world.gps_by_cluster.setdefault(cluster.pk, []).append(person.pk)
    for cluster in clusters:
        for role, person_id in zip(BOARD, world.gps_by_cluster[cluster.pk], strict=False):
            roles.append(RoleAssignment(cluster=cluster, person_id=person_id, role=role, starts_on=joined))
    RoleAssignment.objects.bulk_create(roles, batch_size=5000)
    return world


@transaction.atomic
@audit.bulk_writes_unaudited()
def build_meetings(*, world: NationalWorld, seed: int, first_year: int, years: int) -> int:
    """Four meetings a year per cluster (general assembly, two cluster meetings, a retreat) for `years` years and
    next year's plan, with attendance at the held ones."""
    rng = random.Random(seed + 1)
    today = dt.date.today()
    meetings = []
    plan = [
        (MeetingKind.GENERAL_ASSEMBLY, 2, "Generalforsamling"),
        (MeetingKind.CLUSTER_MEETING, 5, "Klyngemøde"),
        (MeetingKind.CLUSTER_MEETING, 9, "Klyngemøde"),
        (MeetingKind.RETREAT, 11, "Internat"),
    ]
    themes = [
        "Antibiotika",
        "Iskæmisk hjertesygdom",
        "Smertestillende medicin",
        "Osteoporose",
        "Trivsel",
        "Kommunale henvisninger",
        "Fluconazol",
        "Sygemeldinger",
        "Polyfarmaci",
        "KOL",
    ]
    for cluster in world.clusters:
        for year in range(first_year, first_year + years + 1):  # and next year's plan
            for kind, month, title in plan:
                day = dt.date(year, month, rng.randint(1, 26))
                starts = _aware(day, 16 if kind != MeetingKind.RETREAT else 10)
                ends = starts + (
                    dt.timedelta(hours=26) if kind == MeetingKind.RETREAT else dt.timedelta(hours=3)
                )
                meetings.append(
                    Meeting(
                        cluster=cluster,
                        kind=kind,
                        title=f"{title} {year}",
                        theme=rng.choice(themes),
                        starts_at=starts,
                        ends_at=ends,
                        venue_name=f"Mødested {rng.randint(1, 40)}",
                        status=MeetingStatus.HELD if day < today else MeetingStatus.PLANNED,
                    )
                )
    Meeting.objects.bulk_create(meetings, batch_size=2000)
    attendances = []
    for meeting in meetings:
        world.meetings_by_cluster.setdefault(meeting.cluster_id, []).append(meeting)
        if meeting.status != MeetingStatus.HELD:
            continue
        for person_id in world.gps_by_cluster[meeting.cluster_id]:
            if rng.random() < 0.8:
                attendances.append(Attendance(meeting=meeting, person_id=person_id))
    Attendance.objects.bulk_create(attendances, batch_size=5000)
    return len(attendances)


def _people(ids: list[int]) -> list[Person]:
    by_id = Person.objects.in_bulk(ids)
    return [by_id[pk] for pk in ids]


def build_polls(*, world: NationalWorld, seed: int, poll_years: int = 2) -> dict[str, int]:
    """At the held general assemblies of the last `poll_years` years one poll each (secret in even years), voted
    by everyone checked in, through the decisions services so secret ballots keep no voter and no time; and
    one live (open) poll per cluster. About 8 ms a vote: the count is kept modest on purpose."""
    rng = random.Random(seed + 2)
    polls = votes = 0
    for cluster in world.clusters:
        people = {p.pk: p for p in _people(world.gps_by_cluster[cluster.pk])}
        chair = people[world.gps_by_cluster[cluster.pk][0]]
        assemblies = [
            m
            for m in world.meetings_by_cluster[cluster.pk]
            if m.kind == MeetingKind.GENERAL_ASSEMBLY and m.status == MeetingStatus.HELD
        ][-poll_years:]
        for meeting in assemblies:
            with transaction.atomic():
                poll = decisions.poll_create(
                    cluster=cluster,
                    meeting=meeting,
                    secret=meeting.starts_at.year % 2 == 0,
                    question=f"Godkender generalforsamlingen bestyrelsens beretning for {meeting.starts_at.year - 1}?",
                    by=chair,
                )
                decisions.poll_open(poll=poll, by=chair, now=meeting.starts_at + dt.timedelta(minutes=60))
                codes = {o.code: o.pk for o in poll.options.all()}
                when = meeting.starts_at + dt.timedelta(minutes=65)
                for person_id in (
                    Entitlement.objects.filter(poll=poll)
                    .order_by("person_id")
                    .values_list("person_id", flat=True)
                ):
                    draw = rng.random()
                    code = "yes" if draw < 0.8 else ("no" if draw < 0.9 else "abstain")
                    decisions.vote_cast(
                        poll=poll, person=people[person_id], option_ids=[codes[code]], now=when
                    )
                    votes += 1
                decisions.poll_close(poll=poll, by=chair, now=meeting.starts_at + dt.timedelta(minutes=70))
                polls += 1
        live = decisions.poll_create(
            cluster=cluster,
            question="Skal klyngen holde sit internat på Fyn næste år?",
            by=chair,
            closes_at=timezone.now() + dt.timedelta(days=30),
        )
        decisions.poll_open(poll=live, by=chair)
        polls += 1
    return {"polls": polls, "votes": votes}


IDEAS = [
    "Antibiotika til børn med luftvejsinfektion",
    "Fluconazol i almen praksis",
    "Opfølgning på KOL",
    "Polyfarmaci hos ældre",
    "Sygemeldinger og jobcentre",
    "Tramadol og afhængighed",
    "Osteoporose efter brud",
    "Statiner til ældre over 75",
    "Trivsel i praksis",
    "Henvisninger til psykolog",
]


def build_projects(*, world: NationalWorld, seed: int) -> dict[str, int]:
    """An idea round per cluster (ideas, dots, closed), projects of the three best ideas, two of them approved
    and placed on the published project plan (rotation) at next year's cluster meetings."""
    rng = random.Random(seed + 3)
    counts = {"rounds": 0, "ideas": 0, "dots": 0, "projects": 0}
    for cluster in world.clusters:
        with transaction.atomic():
            people = _people(world.gps_by_cluster[cluster.pk])
            chair = people[0]
            retreat = next(
                (
                    m
                    for m in reversed(world.meetings_by_cluster[cluster.pk])
                    if m.kind == MeetingKind.RETREAT and m.status == MeetingStatus.HELD
                ),
                None,
            )
            round = rounds.round_create(
                cluster=cluster, title="Projektgenerering", meeting=retreat, dots_per_member=3, by=chair
            )
            ideas = [
                rounds.idea_submit(
                    round=round,
                    person=people[i % len(people)],
                    title=title,
                    description=f"{title}: hvad kan vi gøre bedre i klyngen?",
                )
                for i, title in enumerate(rng.sample(IDEAS, 6))
            ]
            for person in people:
                if rng.random() >= 0.6:  # about three in five come to the workshop
                    continue
                for _ in range(3):
                    rounds.dot_add(round=round, idea=rng.choice(ideas[:4]), person=person)
                    counts["dots"] += 1
            round = rounds.round_close(round=round, by=chair)
            ranked = (
                [i for i in ideas if i.pk in {r["idea_id"] for r in round.ranking[:3]}]
                if round.ranking and "idea_id" in round.ranking[0]
                else ideas[:3]
            )
            for n, idea in enumerate(ranked):
                project = projects.project_create(
                    cluster=cluster,
                    title=idea.title,
                    lead=people[(n + 3) % len(people)],
                    board_contact=chair,
                    idea=idea,
                    by=chair,
                )
                counts["projects"] += 1
                if n < 2:  # the best two are described, checked and approved; the third stays a draft
                    revisit = dt.date.today() + dt.timedelta(days=400 + 30 * n)
                    projects.project_save(
                        project=project, by=chair, **{**FLUCONAZOLE, "revisit_date": revisit}
                    )
                    projects.project_transition(project=project, to_status=ProjectStatus.READY, by=chair)
                    projects.project_transition(project=project, to_status=ProjectStatus.APPROVED, by=chair)
            plan = projects.rotation_propose(cluster=cluster, by=chair)
            projects.rotation_publish(plan=plan, by=chair)
            counts["rounds"] += 1
            counts["ideas"] += len(ideas)
    return counts


def build_surveys(*, world: NationalWorld, seed: int, first_year: int, years: int) -> dict[str, int]:
    """One questionnaire per cluster per year (anonymous the last two years, named before), answered by about
    half the members. Each anonymous answer rewrites the earlier ones (surveys.services), so they cost most."""
    rng = random.Random(seed + 4)
    counts = {"questionnaires": 0, "answers": 0}
    for cluster in world.clusters:
        people = _people(world.gps_by_cluster[cluster.pk])
        for year in range(first_year, first_year + years):
            with transaction.atomic():
                opens = dt.date(year, 3, 1)
                survey = surveys.survey_create(
                    cluster=cluster,
                    title=f"Evaluering af klyngearbejdet {year}",
                    opens_on=opens,
                    closes_on=dt.date(year, 3, 31),
                    anonymous=year >= first_year + years - 2,
                    by=people[0],
                )
                scale = surveys.question_add(
                    survey=survey, kind=QuestionKind.SCALE, text="Hvor tilfreds er du?", required=True
                )
                choice = surveys.question_add(
                    survey=survey,
                    kind=QuestionKind.SINGLE,
                    text="Hvor ofte skal vi mødes?",
                    options=["4 gange om året", "6 gange om året", "Oftere"],
                )
                useful = surveys.question_add(
                    survey=survey, kind=QuestionKind.YES_NO, text="Har klyngen ændret din praksis?"
                )
                surveys.survey_send(
                    survey=survey, by=people[0], send_mail=False, now=_aware(opens, 9).astimezone(dt.UTC)
                )
                for person in people:
                    if rng.random() < 0.5:
                        surveys.survey_answer(
                            survey=survey,
                            person=person,
                            today=opens + dt.timedelta(days=rng.randint(0, 20)),
                            answers={
                                scale.pk: rng.randint(2, 5),
                                choice.pk: rng.randint(0, 2),
                                useful.pk: rng.random() < 0.6,
                            },
                        )
                        counts["answers"] += 1
                counts["questionnaires"] += 1
    return counts


def build_quality(*, world: NationalWorld, seed: int, months: int, n_atc: int = 40) -> dict[str, int]:
    """`months` of monthly data for every catalogue indicator and every practice: one national file through
    the real importer (with the national reference values)."""
    indicators_load_catalogue()
    practices = list(
        Practice.objects.filter(memberships__cluster__in=world.clusters)
        .order_by("provider_number")
        .values_list("provider_number", "listed_patients")
    )
    with tempfile.TemporaryDirectory(prefix="klynge-national-") as folder:
        files = generate(
            out=Path(folder),
            months=months,
            seed=seed,
            provider_numbers=[n for n, _ in practices],
            n_atc=n_atc,
            listed_patients={n: p for n, p in practices if p},
        )
        result = prescriptions_import(
            path=files.prescriptions,
            patients_path=files.patients,
            file_name="landsdata-recepter.csv",
            patients_file_name="landsdata-tilmeldte.csv",
        )
    if result.errors:
        raise RuntimeError(f"National import failed: {result.errors[:3]}")
    return {"rows": files.rows, "measurements": Measurement.objects.count()}
