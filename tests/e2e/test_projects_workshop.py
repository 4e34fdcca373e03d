"""Three members in three browser contexts (phones) submit ideas and dots; the projector wall shows
them without reload; the board closes the round and the ranking is right and explained."""

import re

import pytest
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.projects.rounds import services as round_services
from tests.conftest import AXE_JS
from tests.factories import PASSWORD, ClusterWorld, make_person

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def workshop(transactional_db):
    world = ClusterWorld("Klynge Østerbro")
    members = [
        make_person(world.cluster, Role.MEMBER, practice=world.practice, name=name)
        for name in ("Anna Holm", "Bo Lund", "Cecilie Dahl")
    ]
    round = round_services.round_create(
        cluster=world.cluster, title="Projektgenerering", dots_per_member=3, by=world.chair
    )
    return world, members, round


def login(page, base, email):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).not_to_have_url(re.compile("/log-ind/"))


def check_axe(page, context):
    page.evaluate(AXE_JS.read_text())
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    bad = [f"{v['id']}: {v['help']}" for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"axe on {context}: {bad}"


def test_three_members_submit_ideas_and_dots_and_the_wall_follows(live_server, page, axe, workshop):
    world, members, round = workshop
    base = live_server.url
    login(page, base, world.chair.email)
    page.goto(f"{base}/k/{world.cluster.slug}/projekter/runder/{round.pk}/vaeg/")
    expect(page.get_by_text(round.code)).to_be_visible()
    expect(page.locator("svg.projects-qr")).to_be_visible()
    axe("væggen")
    page.evaluate("window.notReloaded = true")

    phones = []
    for member, idea in zip(members, ["Fluconazol", "Antibiotika", "Osteoporose"], strict=True):
        context = page.context.browser.new_context(viewport=PHONE)
        phone = context.new_page()
        login(phone, base, member.email)
        phone.goto(f"{base}/workshop/")
        phone.get_by_label("Kode fra skærmen").fill(round.code.lower())
        phone.get_by_role("button", name="Deltag").click()
        expect(phone.get_by_role("heading", name="Projektgenerering")).to_be_visible()
        check_axe(phone, f"deltagersiden ({member.name})")
        phone.get_by_label("Overskrift").fill(idea)
        phone.get_by_label("Hvorfor betyder det noget i hverdagen?").fill("Det fylder i hverdagen")
        phone.get_by_role("button", name="Send idé").click()
        expect(phone.get_by_text("Din idé er på væggen")).to_be_visible()
        expect(page.locator("#wall")).to_contain_text(idea)
        phones.append(phone)

    def dot(phone, title, times=1):
        for _ in range(times):
            before = phone.locator("#dots-left strong").inner_text()
            phone.get_by_role("button", name=f"Giv prik til {title}").click()
            expect(phone.locator("#dots-left strong")).to_have_text(str(int(before) - 1))

    anna, bo, cecilie = phones
    dot(anna, "Fluconazol")
    dot(anna, "Antibiotika")
    dot(bo, "Fluconazol")
    dot(bo, "Antibiotika", times=2)
    dot(cecilie, "Fluconazol")
    dot(cecilie, "Osteoporose", times=2)
    expect(bo.get_by_role("button", name="Giv prik til Osteoporose")).to_be_disabled()
    cecilie.get_by_role("button", name="Meld dig til gruppen Osteoporose").click()
    expect(cecilie.get_by_role("button", name="Meld fra gruppen Osteoporose")).to_be_visible()
    check_axe(cecilie, "deltagersiden efter prikker")

    fluconazole = page.locator("[data-idea]", has_text="Fluconazol")
    expect(fluconazole.locator(".projects-dot-count")).to_have_text("3")
    expect(page.locator("[data-idea]", has_text="Antibiotika").locator(".projects-dot-count")).to_have_text(
        "3"
    )
    expect(page.locator("[data-idea]", has_text="Osteoporose").locator(".projects-dot-count")).to_have_text(
        "2"
    )
    assert page.evaluate("window.notReloaded") is True
    axe("væggen med ideer")

    page.goto(f"{base}/k/{world.cluster.slug}/projekter/runder/{round.pk}/")
    axe("idérunden for bestyrelsen")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Luk idérunden").click()
    expect(page.get_by_text("ideerne er rangeret")).to_be_visible()
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Fluconazol")
    expect(rows.nth(1)).to_contain_text("Antibiotika")
    expect(rows.nth(1)).to_contain_text("færre personer gav prikker (2 mod 3)")
    expect(rows.nth(2)).to_contain_text("Osteoporose")
    axe("rangeret liste")

    expect(anna.locator("body")).to_be_visible()
    anna.reload()
    expect(anna.get_by_text("Idérunden er lukket")).to_be_visible()
    for phone in phones:
        phone.context.close()
