"""The demo built on any day shows a cluster in the middle of its year: the year plan has this year's
meetings, the front page has a next meeting to answer, a questionnaire and a ballot waiting and a poll
ready for the general assembly, the report page writes about a year with meetings, and the data run
up to last month. The seeds' stories keep their dates."""

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from django.db.models import Max
from django.utils import timezone

from klynge.core.models import Person
from klynge.decisions.models import Poll, PollStatus
from klynge.demo.builder import load_demo
from klynge.meetings.models import Meeting, MeetingKind, MeetingStatus
from klynge.projects.models import Project, ProjectStatus
from klynge.quality.models import Measurement
from klynge.surveys.models import Survey

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
YEAR = dt.date.today().year + 1  # a year the seeds know nothing about
DAYS = [dt.date(YEAR, 1, 15), dt.date(YEAR, 6, 30), dt.date(YEAR, 12, 20)]


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize("today", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_demo_is_alive_on_the_day_it_is_built(client, today):
    with time_machine.travel(dt.datetime.combine(today, dt.time(10, 0), tzinfo=CPH), tick=False):
        load_demo(today=today)
        gentofte = Meeting.objects.filter(cluster__slug="gentofte")
        now = timezone.now()

        # The stories keep their dates.
        assert gentofte.filter(
            starts_at__date=dt.date(2022, 3, 14), kind=MeetingKind.GENERAL_ASSEMBLY
        ).exists()
        assert gentofte.filter(starts_at__date=dt.date(2023, 2, 27)).exists()
        assert Project.objects.filter(cluster__slug="osterbro", title="Fluconazol i almen praksis").exists()
        # Every meeting that has begun is held (the 2023 dates too), every coming one is planned.
        assert not gentofte.filter(starts_at__lt=now, status=MeetingStatus.PLANNED).exists()
        assert not gentofte.filter(starts_at__gt=now).exclude(status=MeetingStatus.PLANNED).exists()
        for year in (today.year, today.year + 1):
            kinds = list(gentofte.filter(starts_at__year=year).values_list("kind", flat=True))
            assert kinds.count(MeetingKind.GENERAL_ASSEMBLY) == 1 and len(kinds) == 4, (year, kinds)
            assert all(m.agenda_items.exists() for m in gentofte.filter(starts_at__year=year))

        member = Person.objects.get(email="medlem@gentofte.demo")
        client.force_login(member)
        plan = client.get("/k/gentofte/moeder/").content.decode()
        assert f"Årsplan {today.year}" in plan and "Ingen møder" not in plan
        assert plan.count("<tr>") >= 5  # header and the year's four meetings

        home = client.get("/k/gentofte/").content.decode()
        next_block = section(home, "naeste-moede-h")
        coming = gentofte.filter(starts_at__gt=now).order_by("starts_at").first()
        assert coming.display_name in next_block
        assert "Du har ikke svaret på invitationen endnu" in next_block and 'name="answer"' in next_block
        waiting = section(home, "venter-h")
        assert "<strong>Spørgeskema:</strong>" in waiting and "<strong>Afstemning:</strong>" in waiting
        assert "Egne data" in home
        survey = Survey.objects.get(cluster__slug="gentofte", title__startswith="Før klyngemødet")
        assert survey.is_open(today) and survey.meeting.starts_at > now and survey.responses.exists()

        chair = Person.objects.get(email="formand@gentofte.demo")
        client.force_login(chair)
        waiting = section(client.get("/k/gentofte/").content.decode(), "venter-h")
        ready = Poll.objects.get(cluster__slug="gentofte", status=PollStatus.DRAFT)
        assert ready.meeting.kind == MeetingKind.GENERAL_ASSEMBLY and ready.meeting.starts_at > now
        assert ready.agenda_item.meeting_id == ready.meeting_id
        assert (
            f'Afstemning klar til at åbne:</strong> <a href="/k/gentofte/afstemninger/{ready.pk}/"' in waiting
        )

        # The report page writes about a year in which the cluster met.
        report_year = today.year - 1 if today.month <= 3 else today.year
        response = client.get("/k/gentofte/beretning/", follow=True)
        page = response.content.decode()
        assert response.status_code == 200 and f"/beretning/{report_year}/" in response.redirect_chain[-1][0]
        assert re.search(rf"Klynge Gentofte har i {report_year} afholdt (en|et|to|tre|fire|\d+)", page), page[
            :3000
        ]

        # Data up to last month, for both clusters.
        last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        for slug in ("gentofte", "osterbro"):
            latest = Measurement.objects.filter(practice__memberships__cluster__slug=slug).aggregate(
                latest=Max("period_start")
            )["latest"]
            assert latest == last_month, slug

        # Østerbro: the project round's fluconazole project is planned at a coming meeting.
        fluconazole = Project.objects.get(cluster__slug="osterbro", title="Fluconazol i almen praksis")
        assert fluconazole.status == ProjectStatus.PLANNED and fluconazole.taken_up_meeting.starts_at > now
        client.force_login(Person.objects.get(email="medlem@osterbro.demo"))
        home = client.get("/k/osterbro/").content.decode()
        waiting = section(home, "venter-h")
        assert "<strong>Din projektgruppe:</strong>" in waiting and "Fluconazol i almen praksis" in waiting
        next_block = section(home, "naeste-moede-h")
        assert (
            "Du har ikke svaret på invitationen endnu" in next_block
            and "Velkomst og nyt fra bestyrelsen" in next_block
        )
