"""The demo chair adds a practice and invites a doctor, who sets a password from the mail and logs in:
at 1280 and 375 px (the `width` fixture), every step a click or a tap through tests/e2e/person.py."""

import re

import pytest
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage
from klynge.demo.builder import load_demo
from klynge.demo.register import DEMO_PASSWORD
from tests.e2e.person import WIDTHS, Person


@pytest.fixture
def demo(transactional_db):
    load_demo()


def test_chair_adds_practice_and_invites_a_doctor(live_server, page, width, demo):
    base = live_server.url
    chair = Person(page, base)
    chair.login("formand@gentofte.demo", DEMO_PASSWORD)
    # The chair of one cluster lands on its front page, not on a list of one.
    expect(page.get_by_role("heading", name="Klynge Gentofte", exact=True)).to_be_visible()
    # The page's own assets load: htmx and the design system's stylesheet.
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('dkfds'))")
    chair.look("klyngens forside")

    chair.nav("Praksis")
    expect(page.get_by_role("link", name="Tilføj praksis")).to_be_visible()
    chair.look("praksisliste")
    chair.click(page.get_by_role("link", name="Tilføj praksis"))
    chair.fill(page.get_by_label("Navn"), "Lægerne i Øregårdsparken")
    chair.fill(page.get_by_label("Ydernummer"), "123")
    chair.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_text("præcis 6 cifre")).to_be_visible()
    chair.look("formular med fejl")
    chair.fill(page.get_by_label("Ydernummer"), "987654")
    chair.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_role("heading", name="Lægerne i Øregårdsparken")).to_be_visible()
    chair.look("praksisside")

    chair.click(page.get_by_role("link", name="Invitér læge eller personale"))
    chair.fill(page.get_by_label("Navn"), "Åse Nørgaard")
    chair.fill(page.get_by_label("E-mail"), "aase.noergaard@example.dk")
    chair.click(page.get_by_role("button", name="Gem"))
    expect(page.get_by_text("invitationen er lagt i udbakken")).to_be_visible()
    chair.look("personside")

    message = OutboxMessage.objects.get(to="aase.noergaard@example.dk")
    link = re.search(r"https?://\S+/invitation/\S+", message.body).group(0)

    # The doctor opens the link in the mail on a device of the same size.
    doctor = Person.in_new_window(page.context.browser, base, WIDTHS[width])
    doctor.open_mail_link(link)
    doctor.fill(doctor.page.get_by_label("Ny adgangskode", exact=True), "Hjertepakke-2026!")
    doctor.fill(doctor.page.get_by_label("Bekræftelse af ny adgangskode"), "Hjertepakke-2026!")
    doctor.look("vælg adgangskode")
    doctor.click(doctor.page.get_by_role("button", name="Gem adgangskode"))
    expect(doctor.page.get_by_text("Din adgangskode er gemt")).to_be_visible()
    doctor.login("aase.noergaard@example.dk", "Hjertepakke-2026!")
    expect(doctor.page.get_by_text("Du er medlem")).to_be_visible()
    doctor.close()
