"""A chair records afterwards the confidence vote of a general assembly held before the cluster used
Klynge: from the agenda item, on a laptop and on a phone, clicking like a person."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import agenda_item_create, attendance_check_in, meeting_create
from tests.factories import PASSWORD, ClusterWorld, make_person, make_practice


@pytest.fixture
def assembly(transactional_db):
    world = ClusterWorld("Klynge Kysten")
    held = make_practice(world.cluster, "Sølyst Lægehus")
    when = timezone.make_aware(dt.datetime(2025, 3, 10, 17))
    meeting = meeting_create(
        cluster=world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="Generalforsamling 2025",
        starts_at=when,
        ends_at=when + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
        status="held",
    )
    agenda_item_create(meeting=meeting, title="Tillid til Sølyst Lægehus")
    for _ in range(17):
        attendance_check_in(
            meeting=meeting, person=make_person(world.cluster, Role.MEMBER, practice=world.practice)
        )
    return world, meeting, held


@pytest.mark.parametrize("width", [1280, 375])
def test_a_confidence_vote_recorded_from_the_agenda_item(live_server, page, axe, assembly, width):
    world, meeting, held = assembly
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(world.chair.email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    page.goto(f"{base}/k/{world.cluster.slug}/moeder/{meeting.pk}/")
    page.get_by_role("link", name="Registrér holdt afstemning").click()
    expect(page.get_by_role("heading", name="Registrér en afstemning, der er holdt")).to_be_visible()
    axe(f"registrér afstemning {width}")
    page.get_by_label("Spørgsmål").fill("Er der tillid til Sølyst Lægehus' fortsatte deltagelse?")
    page.get_by_label("Virkning (valgfri)", exact=True).select_option("suspend")
    page.get_by_label("Virkningen gælder").select_option("rejected")
    page.get_by_label("Praksis der sættes på hold").select_option(str(held.pk))
    page.get_by_text("På hold til næste generalforsamling", exact=True).click()
    expect(page.get_by_label("På hold til næste generalforsamling")).to_be_checked()
    page.get_by_label("Stemmer ja").fill("6")
    page.get_by_label("Stemmer nej").fill("11")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("Registreret efterfølgende af Formand Frida")).to_be_visible()
    expect(page.get_by_text("Der var ikke tillid.", exact=False).first).to_be_visible()
    axe(f"registreret afstemning {width}")
    page.goto(f"{base}/k/{world.cluster.slug}/beslutninger/")
    expect(page.get_by_role("cell", name="Der var ikke tillid", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="1/2025")).to_be_visible()
