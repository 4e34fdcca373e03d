"""No main page grows with the data: the same number of queries on a small and on a larger cluster.

Each test builds two clusters through the real services, one with SMALL and one with LARGE practices,
meetings (with agenda items and attendance), polls (voted and closed, so decisions), ideas with dots,
approved projects on the project plan and months of data, and counts the queries of one page as each
cluster's chair. The count may differ by at most SLACK (a branch that shows or hides a section), never
by a query per row.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from klynge.core.models import Role
from klynge.decisions import services as decisions
from klynge.decisions.models import PollStatus
from klynge.meetings import services as meetings
from klynge.meetings.models import MeetingKind, MeetingStatus
from klynge.projects import services as projects
from klynge.projects.models import ProjectStatus
from klynge.projects.rounds import services as rounds
from klynge.quality.generate import generate
from klynge.quality.models import Indicator
from klynge.quality.services import indicators_load_catalogue, prescriptions_import
from klynge.reports import selectors as report_selectors
from klynge.reports import services as reports
from tests.factories import ClusterWorld, give_role, make_person, make_practice
from tests.shared_data import shared_data

SMALL, LARGE = 2, 10
SLACK = 2


class Built:
    def __init__(self, n: int, name: str, tmp_path):
        self.world = world = ClusterWorld(name)
        cluster, chair = world.cluster, world.chair
        self.people = [world.chair, world.coordinator, world.member]
        for _ in range(n):
            practice = make_practice(cluster, listed_patients=1500, listed_patients_date=dt.date(2020, 1, 1))
            self.people.append(make_person(cluster, Role.MEMBER, practice=practice))
        now = timezone.now()
        year_start = dt.datetime(now.year, 1, 2, 16, tzinfo=dt.UTC)
        # Meetings this year: held ones (with agenda, attendance and a voted poll) and coming ones.
        self.meetings = []
        for i in range(n):
            starts = year_start + dt.timedelta(days=i)
            meeting = meetings.meeting_create(
                cluster=cluster,
                kind=MeetingKind.GENERAL_ASSEMBLY if i == 0 else MeetingKind.CLUSTER_MEETING,
                title=f"Møde {i}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                venue_name="Huset",
                status=MeetingStatus.HELD,
            )
            self.meetings.append(meeting)
        self.meeting = self.meetings[0]
        for i in range(n):
            meetings.agenda_item_create(
                meeting=self.meeting,
                title=f"Punkt {i}",
                duration_minutes=10,
                responsible=self.people[i % len(self.people)],
            )
        for person in self.people:
            meetings.attendance_check_in(meeting=self.meeting, person=person)
        for i in range(n):
            starts = now + dt.timedelta(days=30 * (i + 1))
            meetings.meeting_create(
                cluster=cluster,
                kind=MeetingKind.CLUSTER_MEETING,
                title=f"Kommende {i}",
                starts_at=starts,
                ends_at=starts + dt.timedelta(hours=3),
                venue_name="Huset",
            )
        opened = self.meeting.starts_at + dt.timedelta(minutes=30)
        for i in range(n):
            poll = decisions.poll_create(
                cluster=cluster, meeting=self.meeting, question=f"Forslag {i}?", secret=i % 2 == 0, by=chair
            )
            decisions.poll_open(poll=poll, by=chair, now=opened)
            yes = poll.options.get(code="yes").pk
            for entitlement in poll.entitlements.select_related("person"):
                decisions.vote_cast(poll=poll, person=entitlement.person, option_ids=[yes], now=opened)
            decisions.poll_close(poll=poll, by=chair, now=opened + dt.timedelta(minutes=5))
        self.live_poll = decisions.poll_create(
            cluster=cluster, question="Live?", by=chair, closes_at=now + dt.timedelta(days=3)
        )
        decisions.poll_open(poll=self.live_poll, by=chair)
        for entitlement in self.live_poll.entitlements.select_related("person")[:n]:
            decisions.vote_cast(
                poll=self.live_poll,
                person=entitlement.person,
                option_ids=[self.live_poll.options.get(code="yes").pk],
            )
        assert self.live_poll.__class__.objects.get(pk=self.live_poll.pk).status == PollStatus.OPEN
        # A workshop: ideas with dots; approved projects on the project plan.
        self.round = rounds.round_create(cluster=cluster, title="Projektgenerering", by=chair)
        ideas = [
            rounds.idea_submit(round=self.round, person=self.people[i % len(self.people)], title=f"Idé {i}")
            for i in range(n)
        ]
        for i, person in enumerate(self.people):
            rounds.dot_add(round=self.round, idea=ideas[i % n], person=person)
        from klynge.demo.projects import FLUCONAZOLE

        for i in range(n):
            project = projects.project_create(
                cluster=cluster,
                title=f"Projekt {i}",
                lead=self.people[i % 3 + 2],
                board_contact=chair,
                by=chair,
            )
            projects.project_save(
                project=project,
                by=chair,
                **{**FLUCONAZOLE, "revisit_date": now.date() + dt.timedelta(days=400)},
            )
            projects.project_transition(project=project, to_status=ProjectStatus.READY, by=chair)
            projects.project_transition(project=project, to_status=ProjectStatus.APPROVED, by=chair)
        plan = projects.rotation_propose(cluster=cluster, by=chair)
        projects.rotation_publish(plan=plan, by=chair)
        # Monthly data for every catalogue indicator and every practice: n * 3 months.
        indicators_load_catalogue()
        practices = [m.practice for m in cluster.memberships.select_related("practice")]
        files = generate(
            out=tmp_path / name,
            months=3 * n,
            seed=n,
            n_atc=12,
            provider_numbers=[p.provider_number for p in practices],
        )
        result = prescriptions_import(path=files.prescriptions, patients_path=files.patients, cluster=cluster)
        assert not result.errors, result.errors[:3]
        self.indicator = Indicator.objects.filter(cluster__isnull=True, code="antibiotika-recepter").first()
        self.year = report_selectors.default_year()
        reports.annual_report_create(cluster=cluster, year=self.year, by=chair)
        give_role(cluster, world.member, Role.BOARD_MEMBER)

    def url(self, page_name: str) -> str:
        s = self.world.cluster.slug
        return {
            "cluster front page": reverse("core:cluster", args=[s]),
            "year plan": reverse("meetings:meeting_list", args=[s]),
            "a meeting": reverse("meetings:meeting_detail", args=[s, self.meeting.pk]),
            "decision register": reverse("decisions:decision_list", args=[s]),
            "live poll": reverse("decisions:poll_detail", args=[s, self.live_poll.pk]),
            "workshop wall": reverse("projects:round_wall", args=[s, self.round.pk]),
            "practice's own data": reverse("quality:own_data", args=[s]),
            "funnel (indicator)": reverse("quality:indicator_detail", args=[s, self.indicator.pk]),
            "project plan": reverse("projects:rotation", args=[s]),
            "annual-report draft": reverse("reports:annual_report", args=[s, self.year]),
        }[page_name]


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker, tmp_path_factory):
    """Both clusters, built once for the module's pages (each test reads them in its own savepoint)."""
    tmp_path = tmp_path_factory.mktemp("query-counts")
    with shared_data(
        django_db_blocker,
        lambda: (Built(SMALL, "Lille Klynge", tmp_path), Built(LARGE, "Stor Klynge", tmp_path)),
    ) as value:
        yield value


def _count(client, built: Built, page_name: str) -> int:
    client.force_login(built.world.chair)
    url = built.url(page_name)
    client.get(url)  # caches filled on the first request (sessions, permissions) are not the page's
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (page_name, response.status_code)
    return len(queries)


PAGES = [
    "cluster front page",
    "year plan",
    "a meeting",
    "decision register",
    "live poll",
    "workshop wall",
    "practice's own data",
    "funnel (indicator)",
    "project plan",
    "annual-report draft",
]
GROWS: dict[str, str] = {}


@pytest.mark.parametrize(
    "page_name",
    [
        pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=GROWS[p])) if p in GROWS else p
        for p in PAGES
    ],
)
def test_page_queries_do_not_grow_with_the_data(db, client, built, page_name):
    small, large = built
    few = _count(client, small, page_name)
    many = _count(client, large, page_name)
    assert many <= few + SLACK, f"{page_name}: {few} queries with {SMALL} rows, {many} with {LARGE}"


# The person's roles are read alone (selectors.roles_of) or with the cluster (selectors.cluster_by_slug).
ROLE_READS = ('SELECT "core_roleassignment"."role" AS "role" FROM "core_roleassignment"', 'held."role"')


@pytest.mark.parametrize("page_name", PAGES)
def test_a_page_reads_the_persons_roles_once(db, client, built, page_name):
    """The tenancy check is given request.user, a lazy wrapper, and a view often the person inside it:
    both must share the request's one reading of the person's roles (made with the cluster's). The count
    is at least one (the check itself), so the match on the queries' text is seen to work."""
    small, _ = built
    client.force_login(small.world.chair)
    url = small.url(page_name)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    reads = [q["sql"] for q in queries.captured_queries if any(read in q["sql"] for read in ROLE_READS)]
    assert len(reads) == 1, f"{page_name}: the roles were read {len(reads)} times"
