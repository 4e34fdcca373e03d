"""A member logs in, lands on the cluster's front page (their only cluster) and answers the next
meeting's invitation there by clicking, at 1280 and 375 px (the `width` fixture); what waits for them
is listed."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.meetings import services
from tests.e2e.person import Person
from tests.factories import PASSWORD, ClusterWorld
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


def test_member_answers_the_next_meeting_from_the_front_page(live_server, page, width, world):
    me = Person(page, live_server.url)
    me.login(world.member.email, PASSWORD)
    # One cluster: straight to its front page.
    expect(page).to_have_url(re.compile(f"/k/{world.cluster.slug}/$"))
    next_meeting = page.locator("section", has=page.get_by_role("heading", name="Næste møde"))
    expect(next_meeting.get_by_role("link", name=world.meeting.display_name)).to_be_visible()
    expect(next_meeting.get_by_text("Du har ikke svaret på invitationen endnu.")).to_be_visible()
    expect(next_meeting.get_by_text("Vores penicillin V-andel")).to_be_visible()
    waiting = page.locator("section", has=page.get_by_role("heading", name="Det venter på dig"))
    expect(waiting.get_by_role("link", name=world.survey.title)).to_be_visible()
    me.look(f"forsiden ({width} px)")

    me.choose(next_meeting.get_by_label("Kommer", exact=True))
    me.click(next_meeting.get_by_role("button", name="Gem dit svar"))
    expect(page.get_by_text(f"Dit svar til {world.meeting.display_name} er gemt: Kommer.")).to_be_visible()
    expect(page).to_have_url(re.compile(f"/k/{world.cluster.slug}/$"))
    expect(next_meeting.get_by_text("Dit svar på invitationen: Kommer.")).to_be_visible()
    assert world.meeting.invitations.get(person=world.member).answer == "kommer"
    # The answered front page: axe, no sideways scroll (the page's width), usable controls.
    me.look(f"forsiden efter svaret ({width} px)")
