"""The demo's 2022 decisions: the register, the values with their versions, the hold's history, the
public page without login, and a member's motion to the next general assembly. At 1280 and 375 px
(the `width` fixture), every step a click or a tap through tests/e2e/person.py."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Cluster
from klynge.demo.builder import load_demo
from klynge.demo.register import DEMO_PASSWORD
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import meeting_create
from tests.e2e.person import Person


@pytest.fixture
def demo(transactional_db):
    load_demo()
    gentofte = Cluster.objects.get(slug="gentofte")
    when = timezone.now() + dt.timedelta(days=40)
    meeting_create(
        cluster=gentofte,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        title="Generalforsamling",
        starts_at=when,
        ends_at=when + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
        is_public=True,
    )


def test_public_page_register_and_a_motion(live_server, page, width, demo):
    me = Person(page, live_server.url)
    me.goto("/k/gentofte/offentlig")
    expect(page.get_by_role("heading", name="Værdier, regler og mål")).to_be_visible()
    expect(page.get_by_text("Tillid og åbenhed")).to_be_visible()
    expect(page.get_by_text("Bernstorff Slot").first).to_be_visible()
    me.look("offentlig side")

    me.login("medlem@gentofte.demo", DEMO_PASSWORD)
    me.nav("Beslutninger")
    expect(page.get_by_role("heading", name="Beslutningsprotokol")).to_be_visible()
    me.look("beslutningsprotokol")
    me.click(page.get_by_role("link", name="så deres pause fra klyngemøderne kan slutte"))
    expect(page.get_by_text("til næste generalforsamling (27/2 2023)")).to_be_visible()
    me.look("beslutning")

    me.goto("/k/gentofte/vedtaegter/values/")
    expect(page.get_by_text("Version 2, vedtaget 27. februar 2023")).to_be_visible()
    me.look("værdier")
    me.click(page.get_by_role("link", name="Ændringer fra version 1"))
    expect(page.get_by_role("row", name="+ tilføjet - Andelen af penicillin V")).to_be_visible()
    me.look("sammenligning af versioner")

    me.goto("/k/gentofte/forslag/")
    me.look("forslag")
    me.click(page.get_by_role("link", name="Stil et forslag"))
    me.fill(page.get_by_label("Overskrift"), "Fælles nedtrapningsplan for opioider")
    me.fill(page.get_by_label("Forslaget"), "Klyngen udarbejder en fælles nedtrapningsplan.")
    me.look("nyt forslag")
    me.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_role("heading", name="Fælles nedtrapningsplan for opioider")).to_be_visible()
    expect(page.get_by_text("Forslaget er modtaget")).to_be_visible()
    me.look("forslag modtaget")
