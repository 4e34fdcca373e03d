"""Three members in three browser contexts submit ideas and dots; the projector wall shows them
without reload; the board closes the round and the ranking is right and explained. At 1280 and
375 px (the `width` fixture): the chair's window and the members' (laptops, then phones)."""

import pytest
from playwright.sync_api import expect

from klynge.core.models import Role
from klynge.projects.rounds import services as round_services
from tests.e2e.person import WIDTHS, Person
from tests.factories import PASSWORD, ClusterWorld, make_person


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


def test_three_members_submit_ideas_and_dots_and_the_wall_follows(live_server, page, workshop, width):
    world, members, round = workshop
    base = live_server.url
    chair = Person(page, base)
    chair.login(world.chair.email, PASSWORD)
    chair.goto(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/vaeg/")
    expect(page.get_by_text(round.code)).to_be_visible()
    expect(page.locator("svg.projects-qr")).to_be_visible()
    chair.look(f"væggen ({width} px)")
    page.evaluate("window.notReloaded = true")

    phones = []
    for member, idea in zip(members, ["Fluconazol", "Antibiotika", "Osteoporose"], strict=True):
        phone = Person.in_new_window(page.context.browser, base, WIDTHS[width])
        phone.login(member.email, PASSWORD)
        phone.goto("/workshop/")  # the address on the wall
        phone.fill(phone.page.get_by_label("Kode fra skærmen"), round.code.lower())
        phone.click(phone.page.get_by_role("button", name="Deltag"))
        expect(phone.page.get_by_role("heading", name="Projektgenerering")).to_be_visible()
        phone.look(f"deltagersiden ({member.name}, {width} px)")
        phone.fill(phone.page.get_by_label("Overskrift"), idea)
        phone.fill(
            phone.page.get_by_label("Hvorfor betyder det noget i hverdagen?"), "Det fylder i hverdagen"
        )
        phone.click(phone.page.get_by_role("button", name="Send idé"))
        expect(phone.page.get_by_text("Din idé er på væggen")).to_be_visible()
        expect(page.locator("#wall")).to_contain_text(idea)
        phones.append(phone)

    def dot(phone, title, times=1):
        left = phone.page.locator("#dots-left strong")
        for _ in range(times):
            before = int(left.inner_text())
            phone.click(phone.page.get_by_role("button", name=f"Giv prik til {title}"))
            expect(left).to_have_text(str(before - 1))

    anna, bo, cecilie = phones
    dot(anna, "Fluconazol")
    dot(anna, "Antibiotika")
    dot(bo, "Fluconazol")
    dot(bo, "Antibiotika", times=2)
    dot(cecilie, "Fluconazol")
    dot(cecilie, "Osteoporose", times=2)
    expect(bo.page.get_by_role("button", name="Giv prik til Osteoporose")).to_be_disabled()
    cecilie.click(cecilie.page.get_by_role("button", name="Meld dig til gruppen Osteoporose"))
    expect(cecilie.page.get_by_role("button", name="Meld fra gruppen Osteoporose")).to_be_visible()
    cecilie.look(f"deltagersiden efter prikker ({width} px)")

    fluconazole = page.locator("[data-idea]", has_text="Fluconazol")
    expect(fluconazole.locator(".projects-dot-count")).to_have_text("3")
    expect(page.locator("[data-idea]", has_text="Antibiotika").locator(".projects-dot-count")).to_have_text(
        "3"
    )
    expect(page.locator("[data-idea]", has_text="Osteoporose").locator(".projects-dot-count")).to_have_text(
        "2"
    )
    assert page.evaluate("window.notReloaded") is True
    chair.look(f"væggen med ideer ({width} px)")

    chair.goto(f"/k/{world.cluster.slug}/projekter/runder/{round.pk}/")
    expect(page.get_by_role("button", name="Luk idérunden")).to_be_visible()
    chair.look(f"idérunden for bestyrelsen ({width} px)")
    page.once("dialog", lambda dialog: dialog.accept())
    chair.click(page.get_by_role("button", name="Luk idérunden"))
    expect(page.get_by_text("ideerne er rangeret")).to_be_visible()
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Fluconazol")
    expect(rows.nth(1)).to_contain_text("Antibiotika")
    expect(rows.nth(1)).to_contain_text("færre personer gav prikker (2 mod 3)")
    expect(rows.nth(2)).to_contain_text("Osteoporose")
    chair.look(f"rangeret liste ({width} px)")

    # A member who still has the round open sees that it is closed when the page is loaded again.
    expect(anna.page.locator("body")).to_be_visible()
    anna.page.reload()
    expect(anna.page.get_by_text("Idérunden er lukket")).to_be_visible()
    for phone in phones:
        phone.close()
