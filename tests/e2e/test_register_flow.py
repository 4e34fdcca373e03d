"""The demo chair adds a practice and invites a doctor, who sets a password from the mail and logs in."""

import re

import pytest
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage
from klynge.demo.builder import load_demo
from klynge.demo.register import DEMO_PASSWORD


@pytest.fixture
def demo(transactional_db):
    load_demo()


def login(page, base, email, password):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").click()


def test_chair_adds_practice_and_invites_a_doctor(live_server, page, axe, demo):
    base = live_server.url
    login(page, base, "formand@gentofte.demo", DEMO_PASSWORD)
    # The chair of one cluster lands on its front page, not on a list of one.
    expect(page.get_by_role("heading", name="Klynge Gentofte", exact=True)).to_be_visible()
    # The page's own assets load: htmx and the design system's stylesheet.
    assert page.evaluate("typeof htmx") == "object"
    assert page.evaluate("[...document.styleSheets].some(s => (s.href || '').includes('dkfds'))")
    axe("klyngens forside")

    page.get_by_role("navigation", name="Klyngens menu").get_by_role("link", name="Praksis").click()
    axe("praksisliste")
    page.get_by_role("link", name="Tilføj praksis").click()
    page.get_by_label("Navn").fill("Lægerne i Øregårdsparken")
    page.get_by_label("Ydernummer").fill("123")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("præcis 6 cifre")).to_be_visible()
    axe("formular med fejl")
    page.get_by_label("Ydernummer").fill("987654")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("heading", name="Lægerne i Øregårdsparken")).to_be_visible()
    axe("praksisside")

    page.get_by_role("link", name="Invitér læge eller personale").click()
    page.get_by_label("Navn").fill("Åse Nørgaard")
    page.get_by_label("E-mail").fill("aase.noergaard@example.dk")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_text("invitationen er lagt i udbakken")).to_be_visible()
    axe("personside")

    message = OutboxMessage.objects.get(to="aase.noergaard@example.dk")
    link = re.search(r"https?://\S+/invitation/\S+", message.body).group(0)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]

    context = page.context.browser.new_context()
    doctor = context.new_page()
    doctor.goto(base + path)
    doctor.get_by_label("Ny adgangskode", exact=True).fill("Hjertepakke-2026!")
    doctor.get_by_label("Bekræftelse af ny adgangskode").fill("Hjertepakke-2026!")
    doctor.get_by_role("button", name="Gem adgangskode").click()
    login(doctor, base, "aase.noergaard@example.dk", "Hjertepakke-2026!")
    expect(doctor.get_by_text("Du er medlem")).to_be_visible()
    context.close()
