"""The chair ends roles and lets a practice leave, on a laptop and on a phone, by clicking: a role that
has begun ends today, one that has not begun is removed, and a practice that has left offers no second
departure (the refusals of a second click from an old page are tested in tests/core/test_views.py)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.core.services import role_assign
from tests.e2e.person import Person
from tests.factories import PASSWORD, ClusterWorld


@pytest.fixture
def world(transactional_db):
    world = ClusterWorld("Klynge Afslutning")
    today = timezone.localdate()
    role_assign(
        cluster=world.cluster,
        person=world.member,
        role=Role.BOARD_MEMBER,
        starts_on=today - dt.timedelta(days=90),
    )
    role_assign(
        cluster=world.cluster,
        person=world.member,
        role=Role.TREASURER,
        starts_on=today + dt.timedelta(days=10),
    )
    return world


def test_the_chair_ends_roles_and_lets_a_practice_leave(live_server, page, width, world):
    chair = Person(page, live_server.url)
    chair.login(world.chair.email, PASSWORD)
    chair.goto(f"/k/{world.cluster.slug}/personer/{world.member.pk}/")
    expect(page.get_by_role("heading", name=world.member.name, level=1)).to_be_visible()
    chair.look(f"personside {width}")

    chair.click(page.get_by_role("button", name="Afslut rollen Bestyrelsesmedlem"))
    expect(page.get_by_text("Rollen Bestyrelsesmedlem er afsluttet.")).to_be_visible()
    expect(page.get_by_role("button", name="Afslut rollen Bestyrelsesmedlem")).to_have_count(0)
    chair.click(page.get_by_role("button", name="Afslut rollen Kasserer"))
    expect(page.get_by_text("Rollen Kasserer var ikke begyndt og er fjernet.")).to_be_visible()
    expect(page.get_by_role("button", name="Afslut rollen Kasserer")).to_have_count(0)

    chair.goto(f"/k/{world.cluster.slug}/praksis/{world.other_practice.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    chair.click(page.get_by_role("button", name="Meld ud af klyngen"))
    expect(page.get_by_text(f"{world.other_practice.name} er meldt ud af klyngen")).to_be_visible()
    expect(page.get_by_role("button", name="Meld ud af klyngen")).to_have_count(0)
    chair.look(f"praksis meldt ud {width}")
