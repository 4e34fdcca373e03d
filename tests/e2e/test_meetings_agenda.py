"""The chair puts a new item on the general assembly's agenda: it lands before »Eventuelt«, and moves
up and down with one click each, without reloading the page, at 1280 and 375 px (the `width` fixture)."""

import re

import pytest
from playwright.sync_api import expect

from klynge.meetings.models import MeetingKind
from tests.e2e.person import Person
from tests.factories import PASSWORD, ClusterWorld
from tests.meetings.conftest import at, make_meeting


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Dagsorden")


def titles(page):
    return page.locator("#dagsorden-liste > li h3").all_inner_texts()


def test_new_item_before_eventuelt_and_one_click_moves(live_server, page, world, width):
    ga = make_meeting(
        world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, start=at(2030, 3, 14), with_template=True
    )
    me = Person(page, live_server.url)
    me.login(world.chair.email, PASSWORD)
    me.goto(f"/k/{world.cluster.slug}/moeder/{ga.pk}/")
    me.click(page.get_by_role("link", name="Nyt punkt"))
    expect(page.get_by_label("Placering på dagsordenen")).to_have_value("9")
    me.look(f"nyt punkt ({width} px)")
    me.fill(page.get_by_label("Punkt"), "Beretning fra KIAP")
    me.click(page.get_by_role("button", name="Gem"))
    expect(page.locator("#dagsorden-liste")).to_be_visible()
    assert titles(page)[-2:] == ["Beretning fra KIAP", "Eventuelt (10 min.)"]

    assert page.evaluate("typeof htmx") == "object"
    page.evaluate("window.__noReload = true")
    item = page.locator("#dagsorden-liste > li", has_text="Beretning fra KIAP")
    up = item.get_by_role("button", name=re.compile("^Op"))
    me.click(up)
    expect(page.locator("#dagsorden-status")).to_have_text("»Beretning fra KIAP« er nu nr. 8 på dagsordenen.")
    assert titles(page)[7] == "Beretning fra KIAP"
    # The same button keeps the focus, so the next click (or Enter) moves it again.
    assert page.evaluate("document.activeElement.id") == up.get_attribute("id")
    me.click(item.get_by_role("button", name=re.compile("^Op")))
    expect(page.locator("#dagsorden-status")).to_contain_text("nr. 7")
    me.click(item.get_by_role("button", name=re.compile("^Ned")))
    expect(page.locator("#dagsorden-status")).to_contain_text("nr. 8")
    assert page.evaluate("window.__noReload") is True
    # No sideways scroll, every control reachable, axe.
    me.look(f"dagsorden efter flytning ({width} px)")
