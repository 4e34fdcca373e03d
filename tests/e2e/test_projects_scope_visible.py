"""The scope check stays in sight while the lead writes the long project description: a sticky side
panel beside the form on a wide screen, and at the top, before the form, on a phone (the `width`
fixture's 1280 and 375 px, every click through tests/e2e/person.py)."""

import re

import pytest
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.projects import services
from klynge.projects.rounds import services as round_services
from tests.e2e.person import Person
from tests.factories import PASSWORD, ClusterWorld, make_person


@pytest.fixture
def project(transactional_db):
    world = ClusterWorld("Klynge Afgrænsning")
    lead = make_person(world.cluster, Role.MEMBER, practice=world.practice, name="Anna Holm")
    round = round_services.round_create(cluster=world.cluster, title="Projektgenerering", by=world.chair)
    idea = round_services.idea_submit(round=round, person=lead, title="Fluconazol i almen praksis")
    return (
        world,
        lead,
        services.project_create(cluster=world.cluster, title="", lead=lead, idea=idea, by=world.chair),
    )


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return box is not None and box["y"] < height and box["y"] + min(box["height"], 80) > 0


def test_scope_check_is_in_sight_while_typing(live_server, page, project, width):
    world, lead, project = project
    me = Person(page, live_server.url)
    me.login(lead.email, PASSWORD)
    me.goto(f"/k/{world.cluster.slug}/projekter/{project.pk}/ret/")
    check = page.locator("#scope-check")
    expect(check).to_contain_text("Intet målbart mål")
    assert page.evaluate("document.documentElement.scrollHeight") > 2 * page.viewport_size["height"]
    if me.on_phone:
        # On a phone the check comes first, before the form, where the page opens.
        form_top = page.locator("form[hx-post]").bounding_box()["y"]
        assert check.bounding_box()["y"] < form_top
        assert in_view(page, check)
    else:
        # Far down the form the check is still beside it. The check asks the server on each key
        # (htmx on keyup), so the lead types into the field they clicked.
        last = page.get_by_label(re.compile("^Erfaringer"))
        me.click(last)
        last.press_sequentially("Telefonspørgsmålene virkede.")
        assert in_view(page, check), check.bounding_box()
        goals = page.get_by_label("Målbare mål")
        me.click(goals)
        goals.press_sequentially("Færre recepter")
        expect(check).to_contain_text("Mål uden målværdi og dato")
        assert in_view(page, check)
    me.look(f"projektbeskrivelsen ({width} px)")  # also: the page does not scroll sideways
