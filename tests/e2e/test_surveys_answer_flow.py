"""On a phone, a member answers from the personal link in the mail; the board watches the rate rise."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage
from klynge.surveys.models import Answer
from tests.e2e.person import assert_axe
from tests.surveys.helpers import build_survey

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args):
    """The `page` fixture (the member's) is phone-sized."""
    return {**browser_context_args, "viewport": PHONE}


@pytest.fixture
def data(transactional_db):
    from tests.factories import ClusterWorld

    world = ClusterWorld("Klynge Gentofte")
    survey, questions = build_survey(world.cluster, by=world.chair)
    return world, survey, questions


def logged_in_context(browser, base, person, **options):
    client = Client()
    client.force_login(person)
    context = browser.new_context(**options)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context


def test_member_answers_from_the_mail_on_a_phone_and_the_board_sees_the_rate(
    live_server, browser, page, axe, data
):
    world, survey, questions = data
    base = live_server.url

    board_context = logged_in_context(browser, base, world.chair, viewport=PHONE)
    board = board_context.new_page()
    board.goto(f"{base}/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/")
    expect(board.get_by_role("heading", name="Henvisninger til kommunale tilbud")).to_be_visible()
    expect(board.get_by_text("0 af 4")).to_be_visible()
    assert_axe(board, "bestyrelsens side")

    message = OutboxMessage.objects.get(to=world.member.email)
    link = re.search(r"https?://\S+/spoergeskema/\S+", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    member = page
    member.goto(base + path)
    expect(member.get_by_role("heading", name="Henvisninger til kommunale tilbud")).to_be_visible()
    axe("spørgeskemaet på mobil")
    member.get_by_role("button", name="Send svar").click()
    expect(member.get_by_text("Spørgsmålet skal besvares")).to_be_visible()
    axe("spørgeskema med fejl")

    member.get_by_label("Månedligt").check()
    member.get_by_label("Genoptræning").check()
    member.get_by_label("4", exact=True).check()
    member.get_by_label("4. Henvisninger sidste måned").fill("7")
    member.get_by_label("Ja", exact=True).check()
    member.get_by_label("6. Ønsker til kommunen").fill("=1+1")
    member.get_by_role("button", name="Send svar").click()
    expect(member.get_by_text("Tak for dit svar")).to_be_visible()
    axe("tak for svaret")

    # The board's page polls the rate and shows the new answer without a reload.
    expect(board.get_by_text("1 af 4")).to_be_visible(timeout=10_000)
    assert Answer.objects.get(question=questions["text"]).value == "=1+1"

    # The same link again: one answer per person.
    member.goto(base + path)
    expect(member.get_by_text("Man kan kun svare én gang")).to_be_visible()

    board.get_by_role("link", name="Se resultater").click()
    expect(board.get_by_text("Resultaterne er skjult endnu")).to_be_visible()
    assert_axe(board, "skjulte resultater")
    board.goto(f"{base}/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/forhaandsvisning/")
    expect(board.get_by_role("region", name="Forhåndsvisning på mobil")).to_be_visible()
    assert_axe(board, "forhåndsvisning")
    board_context.close()
