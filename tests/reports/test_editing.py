"""The chair edits the draft; a redraft shows what changed and never silently overwrites the chair's text."""

import pytest
from django.urls import reverse

from klynge.core.services import ServiceError
from klynge.meetings import services as meetings
from klynge.reports import selectors, services
from klynge.reports.models import AnnualReport

EDIT = "# Formandsberetning for 2024\n\nKære kolleger. Det har været et år med høj mødeaktivitet.\n"


def page(client, year, y=2024):
    return reverse("reports:annual_report", args=[year.world.cluster.slug, y])


def test_the_chairs_edits_survive_a_regeneration(year):
    cluster, chair = year.world.cluster, year.world.chair
    report = services.annual_report_create(cluster=cluster, year=2024, by=chair)
    assert report.edited_text == report.generated_text
    services.annual_report_save(report=report, text=EDIT, by=chair)
    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre og polyfarmaci", notify=False)

    draft = selectors.draft_for(cluster=cluster, year=2024)
    report.refresh_from_db()
    assert draft.fingerprint != report.fingerprint  # the page shows the records changed
    services.annual_report_regenerate(
        report=report, take_new=False, seen_fingerprint=draft.fingerprint, by=chair
    )
    report.refresh_from_db()
    assert report.edited_text == EDIT  # kept
    assert "polyfarmaci" in report.generated_text
    assert report.fingerprint == draft.fingerprint

    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre", notify=False)
    draft = selectors.draft_for(cluster=cluster, year=2024)
    services.annual_report_regenerate(
        report=report, take_new=True, seen_fingerprint=draft.fingerprint, by=chair
    )
    report.refresh_from_db()
    assert report.edited_text == draft.text  # the chair chose the new draft


def test_a_redraft_of_records_changed_again_since_the_page_was_shown_writes_nothing(year):
    cluster, chair = year.world.cluster, year.world.chair
    report = services.annual_report_create(cluster=cluster, year=2024, by=chair)
    services.annual_report_save(report=report, text=EDIT, by=chair)
    seen = selectors.draft_for(cluster=cluster, year=2024).fingerprint
    meetings.meeting_update(meeting=year.september, theme="Noget helt andet", notify=False)
    with pytest.raises(ServiceError):
        services.annual_report_regenerate(report=report, take_new=True, seen_fingerprint=seen, by=chair)
    report.refresh_from_db()
    assert report.edited_text == EDIT


def test_the_page_shows_both_texts_and_the_changes_and_keeps_the_chairs_text(chair_client, year):
    url = page(chair_client, year)
    response = chair_client.get(url)
    assert response.status_code == 200
    assert "Gem udkastet og begynd at redigere" in response.content.decode()
    # The report's own headings sit under the page's h1 and h2.
    assert "<h3>Formandsberetning for 2024</h3>" in response.content.decode()
    assert "<h4>Generalforsamlingen</h4>" in response.content.decode()
    assert AnnualReport.objects.count() == 0  # a GET writes nothing

    response = chair_client.post(
        reverse("reports:annual_report_create", args=[year.world.cluster.slug, 2024])
    )
    assert response.status_code == 302
    response = chair_client.post(url, {"text": EDIT})
    assert response.status_code == 302
    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre og polyfarmaci", notify=False)

    html = chair_client.get(url).content.decode()
    assert "Oplysningerne er ændret siden udkastet" in html
    assert "Din tekst" in html and "Nyt udkast" in html
    assert "Kære kolleger" in html  # the chair's text, shown
    assert "sårbare ældre og polyfarmaci" in html  # the new sentence, in the diff and the new draft
    assert "<del>" in html and "<ins>" in html
    report = AnnualReport.objects.get()
    assert report.edited_text == EDIT  # showing the change wrote nothing

    fingerprint = selectors.draft_for(cluster=year.world.cluster, year=2024).fingerprint
    regenerate = reverse("reports:annual_report_regenerate", args=[year.world.cluster.slug, 2024])
    response = chair_client.post(regenerate, {"choice": "keep", "fingerprint": fingerprint})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.edited_text == EDIT
    assert "Oplysningerne er ændret" not in chair_client.get(url).content.decode()


def test_invalid_posts_get_400_with_danish_messages_and_save_nothing(chair_client, year):
    services.annual_report_create(cluster=year.world.cluster, year=2024, by=year.world.chair)
    response = chair_client.post(page(chair_client, year), {"text": "   "})
    assert response.status_code == 400
    assert "Skriv beretningen" in response.content.decode()
    regenerate = reverse("reports:annual_report_regenerate", args=[year.world.cluster.slug, 2024])
    response = chair_client.post(regenerate, {"choice": "måske"})
    assert response.status_code == 400
    assert "Vælg, om du vil bruge det nye udkast" in response.content.decode()
    report = AnnualReport.objects.get()
    assert report.edited_text == report.generated_text


def test_a_member_who_is_not_on_the_board_cannot_see_the_draft(client, year):
    client.force_login(year.world.member)
    assert client.get(page(client, year)).status_code == 403


def test_export_buttons_answer_files(chair_client, year):
    slug = year.world.cluster.slug
    services.annual_report_create(cluster=year.world.cluster, year=2024, by=year.world.chair)
    for fmt, kind in (("pdf", "application/pdf"), ("docx", "officedocument"), ("md", "text/markdown")):
        response = chair_client.get(reverse("reports:annual_report_export", args=[slug, 2024, fmt]))
        assert response.status_code == 200
        assert kind in response["Content-Type"]
        assert f"formandsberetning-{slug}-2024.{fmt}" in response["Content-Disposition"]
    assert (
        chair_client.get(reverse("reports:annual_report_export", args=[slug, 2024, "exe"])).status_code == 404
    )


def test_front_page_shows_the_saved_report_to_the_board_only(client, year, monkeypatch):
    from klynge.reports import selectors as report_selectors

    monkeypatch.setattr(report_selectors, "default_year", lambda: 2024)
    url = reverse("core:cluster", args=[year.world.cluster.slug])
    client.force_login(year.world.chair)
    assert "Formandsberetning 2024" not in client.get(url).content.decode()  # nothing saved yet
    services.annual_report_create(cluster=year.world.cluster, year=2024, by=year.world.chair)
    assert "Formandsberetning 2024" in client.get(url).content.decode()
    client.force_login(year.world.member)
    assert "Formandsberetning 2024" not in client.get(url).content.decode()


def test_preview_renders_without_saving(chair_client, year):
    report = services.annual_report_create(cluster=year.world.cluster, year=2024, by=year.world.chair)
    url = reverse("reports:annual_report_preview", args=[year.world.cluster.slug, 2024])
    response = chair_client.post(url, {"text": "# Titel\n\n**Fed** tekst <script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h3>Titel</h3>" in html and "<strong>Fed</strong>" in html
    assert "<script>" not in html
    report.refresh_from_db()
    assert report.edited_text == report.generated_text
    assert chair_client.get(url).status_code == 405
