"""The chair plans a two-day retreat with a facilitator and invites; a member answers from the mail;
the chair checks people in on a phone; the PLO attendance PDF lists exactly those checked in. The
planning and the pages run at 1280 and 375 px (the `width` fixture), the check-in on a phone; every
click through tests/e2e/person.py."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from klynge.core.models import OutboxMessage
from tests.e2e.person import WIDTHS, Person
from tests.factories import PASSWORD, ClusterWorld


@pytest.fixture
def world(transactional_db):
    return ClusterWorld("Klynge Strandvejen")


def test_retreat_invite_answer_checkin_and_attendance_pdf(live_server, page, browser, width, world):
    base = live_server.url
    slug = world.cluster.slug
    page.set_default_timeout(10_000)
    chair = Person(page, base)
    chair.login(world.chair.email, PASSWORD)
    chair.goto(f"/k/{slug}/moeder/?aar=2030")
    expect(page.get_by_role("heading", name="Årsplan 2030")).to_be_visible()
    chair.look(f"årsplan ({width} px)")
    chair.click(page.get_by_role("link", name="Nyt møde"))
    chair.select(page.get_by_label("Type"), "Internat")
    chair.fill(page.get_by_label("Titel"), "Internat om trivsel")
    chair.fill(page.get_by_label("Start"), "2030-11-04T09:00")
    chair.fill(page.get_by_label("Slut"), "2030-11-03T16:00")
    chair.fill(page.get_by_role("textbox", name=re.compile(r"^Sted")), "Kursuscenter ved Kysten")
    chair.click(page.get_by_role("button", name="Opret mødet"))
    expect(page.get_by_text("Mødet skal slutte efter, det begynder.")).to_be_visible()
    chair.look(f"mødeformular med fejl ({width} px)")
    chair.fill(page.get_by_label("Slut"), "2030-11-05T16:00")
    chair.click(page.get_by_role("button", name="Opret mødet"))
    expect(page.get_by_role("heading", name="Internat om trivsel")).to_be_visible()
    expect(page.get_by_text("4. november 2030 kl. 09:00 – 5. november 2030 kl. 16:00")).to_be_visible()
    meeting_url = page.url

    chair.click(page.get_by_role("link", name="Tilføj gæst"))
    chair.fill(page.get_by_label("Navn"), "Frida Facilitator")
    chair.fill(page.get_by_label("E-mail"), "frida@trivsel.example")
    chair.fill(page.get_by_label("Organisation"), "Trivsel i Praksis")
    chair.select(page.get_by_label("Rolle"), "Facilitator")
    chair.click(page.get_by_role("button", name="Tilføj gæsten"))
    expect(page.get_by_text("Frida Facilitator, Trivsel i Praksis (Facilitator)")).to_be_visible()
    chair.click(page.get_by_role("button", name="Send invitationer"))
    expect(page.get_by_text("invitationer er sendt")).to_be_visible()
    chair.look(f"mødeside ({width} px)")
    assert OutboxMessage.objects.filter(to="frida@trivsel.example").exists()

    # The member answers from the link in the mail, without logging in.
    message = OutboxMessage.objects.get(to=world.member.email)
    assert message.attachments[0]["filename"] == "invitation.ics"
    link = re.search(r"Kommer: (\S+)", message.body).group(1)
    member = Person.in_new_window(browser, base, WIDTHS[width])
    member.open_mail_link(link)
    expect(member.page.get_by_role("heading", name="Internat om trivsel")).to_be_visible()
    expect(member.page.get_by_label("Kommer", exact=True)).to_be_checked()
    member.look(f"svar fra linket i mailen ({width} px)")
    member.click(member.page.get_by_role("button", name="Gem svar"))
    expect(member.page.get_by_text(re.compile(r"Dit svar (til .+ )?er gemt: Kommer"))).to_be_visible()
    member.close()

    # The chair checks in at the door on a phone, without reloads: the check-in page is a phone's
    # job whatever the chair planned the meeting on, so it keeps the phone's width.
    phone = Person.in_new_window(browser, base, WIDTHS["375"])
    phone.page.set_default_timeout(10_000)
    phone.login(world.chair.email, PASSWORD)
    phone.goto(meeting_url)
    phone.click(phone.page.get_by_role("link", name="Tjek ind"))
    expect(phone.page.get_by_role("heading", name="Tjek ind: Internat om trivsel")).to_be_visible()
    assert phone.page.evaluate("typeof htmx") == "object", "htmx not loaded"
    phone.page.evaluate("window.__noReload = true")  # a marker a reload would wipe, not a value
    for name in (world.member.name, "Frida Facilitator"):
        row = phone.page.locator("li", has_text=name)
        phone.click(row.get_by_role("button"))
        expect(row.get_by_text("Tjekket ind", exact=True)).to_be_visible()
    # checked in and out again: not on the list
    row = phone.page.locator("li", has_text=world.coordinator.name)
    phone.click(row.get_by_role("button"))
    expect(row.get_by_text("Tjekket ind", exact=True)).to_be_visible()
    phone.click(row.get_by_role("button"))
    expect(row.get_by_text("Ikke tjekket ind", exact=True)).to_be_visible()
    assert phone.page.evaluate("window.__noReload") is True
    phone.look("tjek ind på en telefon")  # also: the page does not scroll sideways

    with phone.page.expect_download() as download:
        phone.click(phone.page.get_by_role("link", name="Deltagerliste (PDF)"))
    text = subprocess.run(
        ["pdftotext", "-layout", download.value.path(), "-"], capture_output=True, text=True
    ).stdout
    phone.close()
    assert "Internat om trivsel" in text and "Kursuscenter ved Kysten" in text and "4/11 2030" in text
    assert world.member.name in text and world.other_practice.provider_number in text
    assert "Frida Facilitator" in text
    for absent in (world.chair.name, world.coordinator.name, world.alternate.name):
        assert absent not in text
    assert "Deltagere (1)" in text and "Gæster (1)" in text


def test_library_and_board_pages_are_accessible(live_server, page, width, world):
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
    slug = world.cluster.slug
    chair = Person(page, live_server.url)
    chair.login(world.chair.email, PASSWORD)
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
        chair.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        chair.look(f"{path} ({width} px)")
