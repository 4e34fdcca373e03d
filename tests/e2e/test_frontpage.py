"""A member logs in, lands on the cluster's front page (their only cluster) and answers the next
meeting's invitation there by clicking, at desktop and phone width; what waits for them is listed."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.meetings import services
from tests.e2e.test_meetings_retreat_flow import login
from tests.factories import ClusterWorld
from tests.surveys.helpers import build_survey


@pytest.fixture
def world(transactional_db):
    world = ClusterWorld("Klynge Forside")
    start = timezone.now() + dt.timedelta(days=12)
    world.meeting = services.meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Klyngemøde",
        theme="Antibiotika",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
    )
    services.agenda_item_create(meeting=world.meeting, title="Vores penicillin V-andel")
    services.meeting_invite_all(meeting=world.meeting, send_mail=False)
    world.survey, _ = build_survey(world.cluster)
    return world


@pytest.mark.parametrize("width", [1280, 375])
def test_member_answers_the_next_meeting_from_the_front_page(live_server, page, axe, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, live_server.url, world.member.email)
    # One cluster: straight to its front page.
    expect(page).to_have_url(re.compile(f"/k/{world.cluster.slug}/$"))
    next_meeting = page.locator("section", has=page.get_by_role("heading", name="Næste møde"))
    expect(next_meeting.get_by_role("link", name=world.meeting.display_name)).to_be_visible()
    expect(next_meeting.get_by_text("Du har ikke svaret på invitationen endnu.")).to_be_visible()
    expect(next_meeting.get_by_text("Vores penicillin V-andel")).to_be_visible()
    waiting = page.locator("section", has=page.get_by_role("heading", name="Det venter på dig"))
    expect(waiting.get_by_role("link", name=world.survey.title)).to_be_visible()

    axe(f"forsiden ({width} px)")

    next_meeting.get_by_text("Kommer", exact=True).click()
    next_meeting.get_by_role("button", name="Gem dit svar").click()
    expect(page).to_have_url(re.compile(f"/k/{world.cluster.slug}/$"))
    expect(page.get_by_text(f"Dit svar til {world.meeting.display_name} er gemt: Kommer.")).to_be_visible()
    expect(next_meeting.get_by_text("Dit svar på invitationen: Kommer.")).to_be_visible()
    assert world.meeting.invitations.get(person=world.member).answer == "kommer"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
