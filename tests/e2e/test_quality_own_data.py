"""A member opens "Egne data", then one indicator with its run chart, bar chart and funnel plot (axe on
each), from the menu and a click, at 1280 and 375 px (the `width` fixture)."""

import re

import pytest
from playwright.sync_api import expect

from klynge.quality.services import prescriptions_import
from tests.e2e.person import Person
from tests.factories import PASSWORD
from tests.quality.data import world_with_prescription_files


@pytest.fixture
def world_with_data(transactional_db, tmp_path):
    world, files = world_with_prescription_files(tmp_path)
    result = prescriptions_import(
        path=files.prescriptions, patients_path=files.patients, cluster=world.cluster
    )
    assert result.ok, result.errors
    return world


def test_member_sees_own_data_and_an_indicator(live_server, page, width, world_with_data):
    world = world_with_data
    me = Person(page, live_server.url)
    me.login(world.member.email, PASSWORD)
    me.click(page.get_by_role("link", name=world.cluster.name).first)
    me.nav("Egne data")
    expect(page.get_by_role("heading", name="Egne data", level=1)).to_be_visible()
    expect(page.get_by_text(world.other_practice.name)).to_be_visible()
    expect(page.get_by_role("link", name="Andel penicillin V af alle antibiotikarecepter")).to_be_visible()
    me.look("egne data")

    me.click(page.get_by_role("link", name="Andel penicillin V af alle antibiotikarecepter"))
    expect(page.get_by_role("heading", name="Din praksis over tid")).to_be_visible()
    # The shifted practice's penicillin V share rose halfway: the run chart says so in plain Danish.
    expect(page.get_by_text("tegn på en reel ændring").first).to_be_visible()
    for chart in page.locator(".klynge-chart").all():
        expect(chart).to_have_attribute("data-drawn", "true")
    # Other practices under their pseudonyms (drawn at random: any letters).
    expect(page.get_by_role("rowheader", name=re.compile(r"^Praksis [A-Z]+$")).first).to_be_visible()
    assert world.practice.name not in page.content()
    # The funnel's method and the dispersion phi are stated in words under the chart.
    expect(page.get_by_text("sammenlignes med binomialfordelingen")).to_be_visible()
    expect(page.get_by_text("φ =").first).to_be_visible()
    me.look("indikator")
