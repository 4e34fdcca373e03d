"""The group's lead writes the description: the scope check updates while typing; the board
approves it, plans it on a meeting and publishes the plan, which a member then sees. At 1280 and
375 px (the `width` fixture), every step a click or a tap through tests/e2e/person.py."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.meetings.services import meeting_create
from klynge.projects import services
from klynge.projects.rounds import services as round_services
from tests.e2e.person import WIDTHS, Person
from tests.factories import PASSWORD, ClusterWorld, make_person


@pytest.fixture
def project(transactional_db):
    world = ClusterWorld("Klynge Østerbro")
    lead = make_person(world.cluster, Role.MEMBER, practice=world.practice, name="Anna Holm")
    round = round_services.round_create(cluster=world.cluster, title="Projektgenerering", by=world.chair)
    idea = round_services.idea_submit(round=round, person=lead, title="Fluconazol i almen praksis")
    project = services.project_create(
        cluster=world.cluster, title="", lead=lead, board_contact=world.chair, idea=idea, by=world.chair
    )
    start = timezone.localtime() + dt.timedelta(days=40)
    meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Forårsmødet",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Lægehuset",
    )
    return world, lead, project, start.date()


def test_live_scope_check_approval_and_plan(live_server, page, width, project):
    world, lead, project, meeting_day = project
    base = live_server.url
    me = Person(page, base)
    me.login(lead.email, PASSWORD)
    me.goto(f"/k/{world.cluster.slug}/projekter/{project.pk}/")
    me.look("projektsiden")
    me.click(page.get_by_role("link", name="Ret beskrivelsen"))
    check = page.locator("#scope-check")
    expect(check).to_contain_text("Intet målbart mål")
    me.look("skabelonen")

    # Typing key by key is the behaviour under test: the check updates while the lead types.
    goals = page.get_by_label("Målbare mål")
    me.click(goals)
    goals.press_sequentially("Færre recepter på fluconazol")
    expect(check).to_contain_text("Mål uden målværdi og dato")
    goals.press_sequentially(": under 30 pr. 1.000 tilmeldte kvinder inden 1/12 2027")
    expect(check).not_to_contain_text("Mål uden målværdi")
    expect(check).to_contain_text("Intet formål")
    me.fill(page.get_by_label("Formål (én sætning)"), "Vi vil bruge fluconazol målrettet.")
    me.fill(page.get_by_label("Målgruppe"), "Kvinder 18-65 år med svampeinfektion")
    me.fill(page.get_by_label("Indikatorer"), "Recepter på fluconazol (J02AC01) pr. 1.000 kvinder")
    me.fill(page.get_by_label("Datakilde"), "ordiprax+")
    me.fill(page.get_by_label("Udgangspunkt (baseline)"), "41 recepter pr. 1.000 kvinder")
    me.fill(page.get_by_label("PDSA-cyklusser"), "PDSA 1: fire praksis afprøver vejledningen i 6 uger")
    me.fill(page.get_by_label("Tidsplanens længde i måneder før genbesøget"), "10")
    revisit = meeting_day.replace(year=meeting_day.year + 1) + dt.timedelta(days=30)
    me.fill(page.get_by_label("Dato for genbesøg"), revisit.isoformat())
    expect(check).to_contain_text("godt afgrænset")
    me.look("skabelonen uden punkter")
    me.click(page.get_by_role("button", name="Gem ny version"))
    expect(page.get_by_text("gemt som en ny version")).to_be_visible()
    me.click(page.get_by_role("button", name="Sæt til »Klar til godkendelse«"))
    expect(page.locator(".klynge-badge").first).to_have_text("Klar til godkendelse")
    me.click(page.get_by_role("link", name="Versioner (2)"))
    expect(page.locator("ins").first).to_be_visible()
    me.look("versioner")

    board = Person.in_new_window(page.context.browser, base, WIDTHS[width])
    board.login(world.chair.email, PASSWORD)
    board.goto(f"/k/{world.cluster.slug}/projekter/{project.pk}/")
    board.click(board.page.get_by_role("button", name="Sæt til »Godkendt«"))
    expect(board.page.locator(".klynge-badge").first).to_have_text("Godkendt")
    board.goto(f"/k/{world.cluster.slug}/projekter/rotation/")
    board.click(board.page.get_by_role("button", name="Lav nyt forslag"))
    expect(board.page.locator("#draft-plan")).to_contain_text("Fluconazol i almen praksis")
    board.look("planudkast")
    board.click(board.page.get_by_role("button", name="Offentliggør planen"))
    expect(board.page.locator("#published-plan")).to_contain_text("Forårsmødet")
    board.close()

    me.goto(f"/k/{world.cluster.slug}/projekter/rotation/")
    expect(page.locator("#published-plan")).to_contain_text("Fluconazol i almen praksis")
    me.look("plan for medlemmer")
    me.goto(f"/k/{world.cluster.slug}/projekter/tid/")
    expect(page.get_by_text("Forbered og led mødet: Fluconazol i almen praksis")).to_be_visible()
    me.look("min tid")
