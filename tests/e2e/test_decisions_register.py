"""The demo's 2022 decisions: the register, the values with their versions, the hold's history, the
public page without login, and a member's motion to the next general assembly."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Cluster
from klynge.demo.builder import load_demo
from klynge.demo.register import DEMO_PASSWORD
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import meeting_create


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


def login(page, base, email):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).not_to_have_url(re.compile("/log-ind/"))


def test_public_page_register_and_a_motion(live_server, page, axe, demo):
    base = live_server.url
    page.goto(f"{base}/k/gentofte/offentlig")
    expect(page.get_by_role("heading", name="Værdier, regler og mål")).to_be_visible()
    expect(page.get_by_text("Tillid og åbenhed")).to_be_visible()
    expect(page.get_by_text("Bernstorff Slot").first).to_be_visible()
    axe("offentlig side")

    login(page, base, "medlem@gentofte.demo")
    page.goto(f"{base}/k/gentofte/beslutninger/")
    expect(page.get_by_role("heading", name="Beslutningsprotokol")).to_be_visible()
    axe("beslutningsprotokol")
    page.get_by_role("link", name="så deres pause fra klyngemøderne kan slutte").click()
    expect(page.get_by_text("til næste generalforsamling (27/2 2023)")).to_be_visible()
    axe("beslutning")

    page.goto(f"{base}/k/gentofte/vedtaegter/values/")
    expect(page.get_by_text("Version 2, vedtaget 27. februar 2023")).to_be_visible()
    axe("værdier")
    page.get_by_role("link", name="Ændringer fra version 1").click()
    expect(page.get_by_role("row", name="+ tilføjet - Andelen af penicillin V")).to_be_visible()
    axe("sammenligning af versioner")

    page.goto(f"{base}/k/gentofte/forslag/")
    axe("forslag")
    page.get_by_role("link", name="Stil et forslag").click()
    page.get_by_label("Overskrift").fill("Fælles nedtrapningsplan for opioider")
    page.get_by_label("Forslaget").fill("Klyngen udarbejder en fælles nedtrapningsplan.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Fælles nedtrapningsplan for opioider")).to_be_visible()
    expect(page.get_by_text("Forslaget er modtaget")).to_be_visible()
    axe("forslag modtaget")
