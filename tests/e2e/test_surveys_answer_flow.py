"""A member answers from the personal link in the mail; the board watches the rate rise. At 1280 and
375 px (the `width` fixture: the member and the board at the same width), every click through
tests/e2e/person.py."""

import re

import pytest
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage
from klynge.surveys.models import Answer
from tests.e2e.person import WIDTHS, Person
from tests.factories import PASSWORD
from tests.surveys.helpers import build_survey


@pytest.fixture
def data(transactional_db):
    from tests.factories import ClusterWorld

    world = ClusterWorld("Klynge Gentofte")
    survey, questions = build_survey(world.cluster, by=world.chair)
    return world, survey, questions


def test_member_answers_from_the_mail_and_the_board_sees_the_rate(live_server, browser, page, width, data):
    world, survey, questions = data
    base = live_server.url

    board = Person.in_new_window(browser, base, WIDTHS[width])
    board.login(world.chair.email, PASSWORD)
    board.nav("Spørgeskemaer")
    board.click(board.page.get_by_role("link", name=survey.title, exact=True))
    expect(board.page.get_by_role("heading", name="Henvisninger til kommunale tilbud")).to_be_visible()
    expect(board.page.get_by_text("0 af 4")).to_be_visible()
    board.look(f"bestyrelsens side ({width} px)")

    message = OutboxMessage.objects.get(to=world.member.email)
    link = re.search(r"https?://\S+/spoergeskema/\S+", message.body).group(0)

    member = Person(page, base)
    member.open_mail_link(link)
    expect(page.get_by_role("heading", name="Henvisninger til kommunale tilbud")).to_be_visible()
    member.look(f"spørgeskemaet ({width} px)")
    member.click(page.get_by_role("button", name="Send svar"))
    expect(page.get_by_text("Spørgsmålet skal besvares")).to_be_visible()
    member.look(f"spørgeskema med fejl ({width} px)")

    member.check(page.get_by_label("Månedligt"))
    member.check(page.get_by_label("Genoptræning"))
    member.choose(page.get_by_label("4", exact=True))
    member.fill(page.get_by_label("4. Henvisninger sidste måned"), "7")
    member.choose(page.get_by_label("Ja", exact=True))
    member.fill(page.get_by_label("6. Ønsker til kommunen"), "=1+1")
    member.click(page.get_by_role("button", name="Send svar"))
    expect(page.get_by_text("Tak for dit svar")).to_be_visible()
    member.look(f"tak for svaret ({width} px)")

    # The board's page polls the rate and shows the new answer without a reload.
    expect(board.page.get_by_text("1 af 4")).to_be_visible(timeout=10_000)
    assert Answer.objects.get(question=questions["text"]).value == "=1+1"

    # The same link again: one answer per person.
    member.open_mail_link(link)
    expect(page.get_by_text("Man kan kun svare én gang")).to_be_visible()

    board.click(board.page.get_by_role("link", name="Se resultater"))
    expect(board.page.get_by_text("Resultaterne er skjult endnu")).to_be_visible()
    board.look(f"skjulte resultater ({width} px)")
    board.click(board.page.get_by_role("link", name="Til spørgeskemaet"))
    board.click(board.page.get_by_role("link", name="Forhåndsvisning på mobil"))
    expect(board.page.get_by_role("region", name="Forhåndsvisning på mobil")).to_be_visible()
    board.look(f"forhåndsvisning ({width} px)")
    board.close()
