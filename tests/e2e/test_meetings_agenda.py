"""The chair puts a new item on the general assembly's agenda: it lands before »Eventuelt«, and moves
up and down with one click each, without reloading the page, at desktop and phone width."""

import re

import pytest
from playwright.sync_api import expect

from klynge.meetings.models import MeetingKind
from tests.e2e.test_meetings_retreat_flow import login
from tests.factories import ClusterWorld
from tests.meetings.conftest import at, make_meeting


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Dagsorden")


def titles(page):
    return page.locator("#dagsorden-liste > li h3").all_inner_texts()


@pytest.mark.parametrize("width", [1280, 375])
def test_new_item_before_eventuelt_and_one_click_moves(live_server, page, axe, world, width):
    ga = make_meeting(
        world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, start=at(2030, 3, 14), with_template=True
    )
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    login(page, base, world.chair.email)
    page.goto(f"{base}/k/{world.cluster.slug}/moeder/{ga.pk}/")
    page.get_by_role("link", name="Nyt punkt").click()
    expect(page.get_by_label("Placering på dagsordenen")).to_have_value("9")
    page.get_by_label("Punkt").fill("Beretning fra KIAP")
    page.get_by_role("button", name="Gem").click()
    expect(page.locator("#dagsorden-liste")).to_be_visible()
    assert titles(page)[-2:] == ["Beretning fra KIAP", "Eventuelt (10 min.)"]

    assert page.evaluate("typeof htmx") == "object"
    page.evaluate("window.__noReload = true")
    item = page.locator("#dagsorden-liste > li", has_text="Beretning fra KIAP")
    up = item.get_by_role("button", name=re.compile("^Op"))
    expect(up).to_be_visible()
    up.click()
    expect(page.locator("#dagsorden-status")).to_have_text("»Beretning fra KIAP« er nu nr. 8 på dagsordenen.")
    assert titles(page)[7] == "Beretning fra KIAP"
    # The same button keeps the focus, so the next click (or Enter) moves it again.
    assert page.evaluate("document.activeElement.id") == up.get_attribute("id")
    item.get_by_role("button", name=re.compile("^Op")).click()
    expect(page.locator("#dagsorden-status")).to_contain_text("nr. 7")
    item.get_by_role("button", name=re.compile("^Ned")).click()
    expect(page.locator("#dagsorden-status")).to_contain_text("nr. 8")
    assert page.evaluate("window.__noReload") is True
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe(f"dagsorden efter flytning ({width} px)")
