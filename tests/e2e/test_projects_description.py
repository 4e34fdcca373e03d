"""The group's lead writes the description: the scope check updates while typing; the board
approves it, plans it on a meeting and publishes the plan, which a member then sees."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.meetings.services import meeting_create
from klynge.projects import services
from klynge.projects.rounds import services as round_services
from tests.e2e.person import assert_axe
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


def login(page, base, email):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).not_to_have_url(re.compile("/log-ind/"))


def test_live_scope_check_approval_and_plan(live_server, page, axe, project):
    world, lead, project, meeting_day = project
    base = live_server.url
    login(page, base, lead.email)
    page.goto(f"{base}/k/{world.cluster.slug}/projekter/{project.pk}/")
    axe("projektsiden")
    page.get_by_role("link", name="Ret beskrivelsen").click()
    check = page.locator("#scope-check")
    expect(check).to_contain_text("Intet målbart mål")
    axe("skabelonen")

    goals = page.get_by_label("Målbare mål")
    goals.press_sequentially("Færre recepter på fluconazol")
    expect(check).to_contain_text("Mål uden målværdi og dato")
    goals.press_sequentially(": under 30 pr. 1.000 tilmeldte kvinder inden 1/12 2027")
    expect(check).not_to_contain_text("Mål uden målværdi")
    expect(check).to_contain_text("Intet formål")
    page.get_by_label("Formål (én sætning)").fill("Vi vil bruge fluconazol målrettet.")
    page.get_by_label("Målgruppe").fill("Kvinder 18-65 år med svampeinfektion")
    page.get_by_label("Indikatorer").fill("Recepter på fluconazol (J02AC01) pr. 1.000 kvinder")
    page.get_by_label("Datakilde").fill("ordiprax+")
    page.get_by_label("Udgangspunkt (baseline)").fill("41 recepter pr. 1.000 kvinder")
    page.get_by_label("PDSA-cyklusser").fill("PDSA 1: fire praksis afprøver vejledningen i 6 uger")
    page.get_by_label("Tidsplanens længde i måneder før genbesøget").fill("10")
    revisit = meeting_day.replace(year=meeting_day.year + 1) + dt.timedelta(days=30)
    page.get_by_label("Dato for genbesøg").fill(revisit.isoformat())
    page.get_by_label("Datakilde").press("End")
    expect(check).to_contain_text("godt afgrænset")
    axe("skabelonen uden punkter")
    page.get_by_role("button", name="Gem ny version").click()
    expect(page.get_by_text("gemt som en ny version")).to_be_visible()
    page.get_by_role("button", name="Sæt til »Klar til godkendelse«").click()
    expect(page.locator(".klynge-badge").first).to_have_text("Klar til godkendelse")
    page.get_by_role("link", name="Versioner (2)").click()
    expect(page.locator("ins").first).to_be_visible()
    axe("versioner")

    context = page.context.browser.new_context()
    board = context.new_page()
    login(board, base, world.chair.email)
    board.goto(f"{base}/k/{world.cluster.slug}/projekter/{project.pk}/")
    board.get_by_role("button", name="Sæt til »Godkendt«").click()
    expect(board.locator(".klynge-badge").first).to_have_text("Godkendt")
    board.goto(f"{base}/k/{world.cluster.slug}/projekter/rotation/")
    board.get_by_role("button", name="Lav nyt forslag").click()
    expect(board.locator("#draft-plan")).to_contain_text("Fluconazol i almen praksis")
    assert_axe(board, "planudkast")
    board.get_by_role("button", name="Offentliggør planen").click()
    expect(board.locator("#published-plan")).to_contain_text("Forårsmødet")
    context.close()

    page.goto(f"{base}/k/{world.cluster.slug}/projekter/rotation/")
    expect(page.locator("#published-plan")).to_contain_text("Fluconazol i almen praksis")
    axe("plan for medlemmer")
    page.goto(f"{base}/k/{world.cluster.slug}/projekter/tid/")
    expect(page.get_by_text("Forbered og led mødet: Fluconazol i almen praksis")).to_be_visible()
    axe("min tid")
