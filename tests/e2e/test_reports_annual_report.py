"""The chair drafts the annual report, edits it, sees a redraft after a record changes and keeps their
own text; the page passes axe on a desktop and on a phone."""

import re

import pytest
from playwright.sync_api import expect

from klynge.meetings import services as meetings
from tests.factories import PASSWORD
from tests.reports.year import build_year


@pytest.fixture
def year(transactional_db):
    return build_year("Klynge Ørholm")


def login(page, base, email):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).not_to_have_url(re.compile("/log-ind/"))


def test_chair_drafts_edits_and_keeps_their_text_after_a_redraft(live_server, page, axe, year):
    base = live_server.url
    slug = year.world.cluster.slug
    page.set_default_timeout(15_000)
    login(page, base, year.world.chair.email)
    page.goto(f"{base}/k/{slug}/")
    page.get_by_role("navigation", name="Klyngens menu").get_by_role("link", name="Beretning").click()
    page.goto(f"{base}/k/{slug}/beretning/2024/")
    expect(page.get_by_role("heading", name="Formandsberetning 2024", exact=True)).to_be_visible()
    expect(
        page.get_by_text("Klynge Ørholm har i 2024 afholdt tre klyngemøder og et internat.")
    ).to_be_visible()
    expect(page.locator(".klynge-chart svg").first).to_be_visible()  # the chart is drawn beside its table
    axe("udkast")

    page.get_by_role("button", name="Gem udkastet og begynd at redigere").click()
    expect(page.get_by_text("Udkastet er gemt")).to_be_visible()
    text = page.get_by_role("textbox", name="Beretningen")
    text.fill(text.input_value() + "\nTak til alle for et godt år i Ørholm.\n")
    # The preview follows the text before it is saved.
    expect(
        page.locator("#forhaandsvisning").get_by_text("Tak til alle for et godt år i Ørholm.")
    ).to_be_visible()
    page.get_by_role("button", name="Gem beretningen").click()
    expect(page.get_by_text("Beretningen er gemt.")).to_be_visible()
    expect(
        page.locator("#forhaandsvisning").get_by_text("Tak til alle for et godt år i Ørholm.")
    ).to_be_visible()
    axe("redigering")

    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre og polyfarmaci", notify=False)
    page.reload()
    expect(page.get_by_text("Oplysningerne er ændret siden udkastet")).to_be_visible()
    expect(page.locator(".klynge-diff ins").first).to_contain_text("sårbare ældre og polyfarmaci")
    axe("nyt udkast")
    page.get_by_role("button", name="Behold min tekst").click()
    expect(page.get_by_text("Din tekst er beholdt")).to_be_visible()
    expect(page.get_by_role("textbox", name="Beretningen")).to_have_value(
        re.compile("Tak til alle for et godt år i Ørholm")
    )

    with page.expect_download() as download:
        page.get_by_role("link", name="Hent som Word").click()
    assert download.value.suggested_filename == f"formandsberetning-{slug}-2024.docx"

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{base}/k/{slug}/aktivitet/2024/")
    expect(page.get_by_role("heading", name="Aktivitetsopgørelse 2024")).to_be_visible()
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 400, page_width
    axe("aktivitetsopgørelse på en telefon")
