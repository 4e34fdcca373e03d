"""The chair drafts the annual report, edits it, sees a redraft after a record changes and keeps their
own text, at 1280 and 375 px (the `width` fixture, every click through tests/e2e/person.py); each page
on the way is looked at (axe, sideways scroll, control sizes)."""

import re

import pytest
from playwright.sync_api import expect

from klynge.meetings import services as meetings
from tests.e2e.person import Person
from tests.factories import PASSWORD
from tests.reports.year import build_year


@pytest.fixture
def year(transactional_db):
    return build_year("Klynge Ørholm")


def test_chair_drafts_edits_and_keeps_their_text_after_a_redraft(live_server, page, width, year):
    slug = year.world.cluster.slug
    page.set_default_timeout(15_000)
    me = Person(page, live_server.url)
    me.login(year.world.chair.email, PASSWORD)
    me.nav("Beretning")
    me.click(page.get_by_role("navigation", name="År").get_by_role("link", name="2024"))
    expect(page.get_by_role("heading", name="Formandsberetning 2024", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Klynge Ørholm har i 2024 afholdt tre klyngemøder og et internat.")
    ).to_be_visible()
    expect(page.locator(".klynge-chart svg").first).to_be_visible()  # the chart is drawn beside its table
    me.look(f"udkast ({width} px)")

    me.click(page.get_by_role("button", name="Gem udkastet og begynd at redigere"))
    expect(page.get_by_text("Udkastet er gemt")).to_be_visible()
    text = page.get_by_role("textbox", name="Beretningen")
    me.append(text, "\nTak til alle for et godt år i Ørholm.\n")
    # The preview follows the text before it is saved.
    expect(
        page.locator("#forhaandsvisning").get_by_text("Tak til alle for et godt år i Ørholm.")
    ).to_be_visible()
    me.click(page.get_by_role("button", name="Gem beretningen"))
    expect(page.get_by_text("Beretningen er gemt.")).to_be_visible()
    expect(
        page.locator("#forhaandsvisning").get_by_text("Tak til alle for et godt år i Ørholm.")
    ).to_be_visible()
    me.look(f"redigering ({width} px)")

    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre og polyfarmaci", notify=False)
    page.reload()
    expect(page.get_by_text("Oplysningerne er ændret siden udkastet")).to_be_visible()
    expect(page.locator(".klynge-diff ins").first).to_contain_text("sårbare ældre og polyfarmaci")
    me.look(f"nyt udkast ({width} px)")
    me.click(page.get_by_role("button", name="Behold min tekst"))
    expect(page.get_by_text("Din tekst er beholdt")).to_be_visible()
    expect(page.get_by_role("textbox", name="Beretningen")).to_have_value(
        re.compile("Tak til alle for et godt år i Ørholm")
    )

    with page.expect_download() as download:
        me.click(page.get_by_role("link", name="Hent som Word"))
    assert download.value.suggested_filename == f"formandsberetning-{slug}-2024.docx"

    me.click(page.get_by_role("link", name="Aktivitetsopgørelse for 2024 til KIAP og PLO"))
    expect(page.get_by_role("heading", name="Aktivitetsopgørelse 2024")).to_be_visible()
    expect(page).to_have_url(re.compile(f"/k/{slug}/aktivitet/2024/$"))
    # Also: the page is no wider than the window (on a phone as on a laptop).
    me.look(f"aktivitetsopgørelse ({width} px)")
