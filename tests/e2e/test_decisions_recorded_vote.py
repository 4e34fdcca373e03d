"""A chair records afterwards the confidence vote of a general assembly held before the cluster used
Klynge: from the agenda item, at 1280 and 375 px (the `width` fixture), clicking like a person."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import agenda_item_create, attendance_check_in, meeting_create
from tests.e2e.person import Person
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


def test_a_confidence_vote_recorded_from_the_agenda_item(live_server, page, assembly, width):
    world, meeting, held = assembly
    me = Person(page, live_server.url)
    me.login(world.chair.email, PASSWORD)
    me.goto(f"/k/{world.cluster.slug}/moeder/{meeting.pk}/")
    me.click(page.get_by_role("link", name="Registrér holdt afstemning"))
    expect(page.get_by_role("heading", name="Registrér en afstemning, der er holdt")).to_be_visible()
    me.look(f"registrér afstemning ({width} px)")
    me.fill(page.get_by_label("Spørgsmål"), "Er der tillid til Sølyst Lægehus' fortsatte deltagelse?")
    me.select(page.get_by_label("Virkning (valgfri)", exact=True), "Sæt en praksis' deltagelse på hold")
    me.select(page.get_by_label("Virkningen gælder"), "Hvis forslaget forkastes (fx et spørgsmål om tillid)")
    me.select(page.get_by_label("Praksis der sættes på hold"), held.name)
    me.check(page.get_by_label("På hold til næste generalforsamling"))
    me.fill(page.get_by_label("Stemmer ja"), "6")
    me.fill(page.get_by_label("Stemmer nej"), "11")
    me.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_text("Registreret efterfølgende af Formand Frida")).to_be_visible()
    expect(page.get_by_text("Der var ikke tillid.", exact=False).first).to_be_visible()
    me.look(f"registreret afstemning ({width} px)")
    me.nav("Beslutninger")
    expect(page.get_by_role("heading", name="Beslutningsprotokol")).to_be_visible()
    expect(page.get_by_role("cell", name="Der var ikke tillid", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="1/2025")).to_be_visible()
