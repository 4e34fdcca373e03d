"""The chair plans a two-day retreat with a facilitator and invites; a member answers from the mail;
the chair checks people in on a phone; the PLO attendance PDF lists exactly those checked in."""

import re
import subprocess
import tempfile

import pytest
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage
from tests.e2e.person import assert_axe
from tests.factories import PASSWORD, ClusterWorld


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Strandvejen")


def login(page, base, email):
    page.goto(f"{base}/log-ind/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page).not_to_have_url(re.compile("/log-ind/"))


def test_retreat_invite_answer_checkin_and_attendance_pdf(live_server, page, axe, browser, world):
    base = live_server.url
    slug = world.cluster.slug
    page.set_default_timeout(10_000)
    login(page, base, world.chair.email)
    page.goto(f"{base}/k/{slug}/moeder/?aar=2030")
    expect(page.get_by_role("heading", name="Årsplan 2030")).to_be_visible()
    axe("årsplan")
    page.get_by_role("link", name="Nyt møde").click()
    page.get_by_label("Type").select_option("internat")
    page.get_by_label("Titel").fill("Internat om trivsel")
    page.get_by_label("Start").fill("2030-11-04T09:00")
    page.get_by_label("Slut").fill("2030-11-03T16:00")
    page.get_by_role("textbox", name=re.compile(r"^Sted")).fill("Kursuscenter ved Kysten")
    page.get_by_role("button", name="Opret mødet").click()
    expect(page.get_by_text("Mødet skal slutte efter, det begynder.")).to_be_visible()
    axe("mødeformular med fejl")
    page.get_by_label("Slut").fill("2030-11-05T16:00")
    page.get_by_role("button", name="Opret mødet").click()
    expect(page.get_by_role("heading", name="Internat om trivsel")).to_be_visible()
    expect(page.get_by_text("4. november 2030 kl. 09:00 – 5. november 2030 kl. 16:00")).to_be_visible()

    page.get_by_role("link", name="Tilføj gæst").click()
    page.get_by_label("Navn").fill("Frida Facilitator")
    page.get_by_label("E-mail").fill("frida@trivsel.example")
    page.get_by_label("Organisation").fill("Trivsel i Praksis")
    page.get_by_label("Rolle").select_option("facilitator")
    page.get_by_role("button", name="Tilføj gæsten").click()
    expect(page.get_by_text("Frida Facilitator, Trivsel i Praksis (Facilitator)")).to_be_visible()
    page.get_by_role("button", name="Send invitationer").click()
    expect(page.get_by_text("invitationer er sendt")).to_be_visible()
    axe("mødeside")
    assert OutboxMessage.objects.filter(to="frida@trivsel.example").exists()

    # The member answers from the link in the mail, without logging in.
    message = OutboxMessage.objects.get(to=world.member.email)
    assert message.attachments[0]["filename"] == "invitation.ics"
    link = re.search(r"Kommer: (\S+)", message.body).group(1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    member_context = browser.new_context()
    member_page = member_context.new_page()
    member_page.goto(base + path)
    expect(member_page.get_by_role("heading", name="Internat om trivsel")).to_be_visible()
    expect(member_page.get_by_label("Kommer", exact=True)).to_be_checked()
    member_page.get_by_role("button", name="Gem svar").click()
    expect(member_page.get_by_text(re.compile(r"Dit svar (til .+ )?er gemt: Kommer"))).to_be_visible()
    member_context.close()
    page.goto(base + path)
    axe("svar fra linket i mailen")
    page.go_back()

    # The chair checks in on a phone-sized screen, without reloads.
    phone_context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = phone_context.new_page()
    login(phone, base, world.chair.email)
    meeting_url = page.url
    phone.goto(meeting_url + "tjek-ind/")
    expect(phone.get_by_role("heading", name="Tjek ind: Internat om trivsel")).to_be_visible()
    assert phone.evaluate("typeof htmx") == "object", "htmx not loaded"
    phone.evaluate("window.__noReload = true")
    for name in (world.member.name, "Frida Facilitator"):
        row = phone.locator("li", has_text=name)
        row.get_by_role("button").click()
        expect(row.get_by_text("Tjekket ind", exact=True)).to_be_visible()
    # checked in and out again: not on the list
    row = phone.locator("li", has_text=world.coordinator.name)
    row.get_by_role("button").click()
    expect(row.get_by_text("Tjekket ind", exact=True)).to_be_visible()
    row.get_by_role("button").click()
    expect(row.get_by_text("Ikke tjekket ind", exact=True)).to_be_visible()
    assert phone.evaluate("window.__noReload") is True
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

    response = phone.request.get(meeting_url + "deltagerliste.pdf")
    assert response.ok
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(response.body())
        handle.flush()
        text = subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], capture_output=True, text=True
        ).stdout
    phone_context.close()
    assert "Internat om trivsel" in text and "Kursuscenter ved Kysten" in text and "4/11 2030" in text
    assert world.member.name in text and world.other_practice.provider_number in text
    assert "Frida Facilitator" in text
    for absent in (world.chair.name, world.coordinator.name, world.alternate.name):
        assert absent not in text
    assert "Deltagere (1)" in text and "Gæster (1)" in text


def test_checkin_page_is_accessible_on_a_phone(live_server, browser, world):
    from klynge.meetings import services
    from tests.meetings.conftest import make_meeting

    meeting = make_meeting(world.cluster)
    services.guest_add(meeting=meeting, name="Gæst Gitte", email="gitte@example.org", role="kommune")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    login(phone, live_server.url, world.chair.email)
    phone.goto(f"{live_server.url}/k/{world.cluster.slug}/moeder/{meeting.pk}/tjek-ind/")
    assert_axe(phone, "tjek-ind på en telefon")
    context.close()


def test_library_and_board_pages_are_accessible(live_server, page, axe, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from klynge.meetings import services
    from tests.meetings.conftest import make_meeting

    package = services.package_create(
        cluster=world.cluster,
        title="Iskæmisk hjertesygdom",
        source="kiap",
        focus="Forløbsplaner",
        discussion_questions="1. Hvad viser vores data?",
    )
    services.package_attachment_add(
        package=package, title="Slides", upload=SimpleUploadedFile("s.pdf", b"%PDF")
    )
    services.document_create(
        cluster=world.cluster,
        title="PLO-vejledning",
        category="plo",
        upload=SimpleUploadedFile("plo.pdf", b"%PDF"),
    )
    meeting = make_meeting(world.cluster, package=package)
    services.agenda_item_create(
        meeting=meeting, title="Egne data", duration_minutes=30, responsible=world.chair
    )
    page.set_default_timeout(10_000)
    base = live_server.url
    slug = world.cluster.slug
    login(page, base, world.chair.email)
    for path, heading in [
        (f"/k/{slug}/pakker/", "Klyngepakker"),
        (f"/k/{slug}/pakker/{package.pk}/", "Iskæmisk hjertesygdom"),
        (f"/k/{slug}/dokumenter/", "Dokumentbibliotek"),
        (f"/k/{slug}/moeder/{meeting.pk}/", "Klyngemøde"),
        (f"/k/{slug}/moeder/{meeting.pk}/referat/", "Referat: Klyngemøde"),
        (f"/k/{slug}/moeder/fremmoede/", "Fremmøde pr. praksis"),
        (f"/k/{slug}/moeder/naeste-aar/", "Næste års datoer og steder"),
        ("/profil/kalender/", "Min kalender"),
    ]:
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        axe(path)
