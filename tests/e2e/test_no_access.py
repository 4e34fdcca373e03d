"""A member follows a link to a board page (the cluster's log, say, forwarded in a mail) on a laptop
and on a phone: the page says there is no access and why, and its way back leads to the cluster's
front page. The chair following the same link is the control: the page exists and opens."""

import pytest
from playwright.sync_api import expect

from tests.e2e.person import Person
from tests.factories import PASSWORD, ClusterWorld


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Adgang")


def test_a_member_refused_a_board_page_is_told_why_and_finds_the_way_back(live_server, page, width, world):
    board_page = f"/k/{world.cluster.slug}/log/"
    member = Person(page, live_server.url)
    member.login(world.member.email, PASSWORD)
    member.goto(board_page)
    expect(page.get_by_role("heading", name="Ingen adgang", level=1)).to_be_visible()
    expect(page.get_by_text("Du har ikke adgang til denne side i klyngen.")).to_be_visible()
    member.look(f"ingen adgang {width}")
    member.click(page.get_by_role("link", name=f"Gå til {world.cluster.name}s forside"))
    expect(page.get_by_role("heading", name=world.cluster.name, level=1)).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/k/{world.cluster.slug}/")

    member.click(page.get_by_role("button", name="Log ud"))
    chair = Person(page, live_server.url)
    chair.login(world.chair.email, PASSWORD)
    chair.goto(board_page)
    expect(page.get_by_role("heading", name="Log over ændringer i klyngen", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Ingen adgang")).to_have_count(0)
