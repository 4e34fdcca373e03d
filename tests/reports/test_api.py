"""The API: draft, saved report, the chair's text, redraft and exports."""

import io

import docx
from django.urls import reverse

from klynge.meetings import services as meetings


def api(slug, path=""):
    return f"/api/v1/clusters/{slug}/annual-reports/2024{path}"


def test_draft_edit_redraft_and_export_through_the_api(chair_client, year):
    slug = year.world.cluster.slug
    draft = chair_client.get(api(slug, "/draft")).json()
    assert "Klynge Øresund Nord har i 2024 afholdt tre klyngemøder og et internat." in draft["text"]
    assert chair_client.get(api(slug)).status_code == 404  # nothing saved yet

    created = chair_client.post(api(slug), content_type="application/json")
    assert created.status_code == 201
    assert created.json()["edited_text"] == draft["text"]
    assert chair_client.post(api(slug), content_type="application/json").status_code == 400

    edited = "# Beretning\n\nMin egen tekst om året i Ølstykke.\n"
    saved = chair_client.put(api(slug, "/text"), {"text": edited}, content_type="application/json")
    assert saved.status_code == 200
    assert saved.json()["is_edited"] is True
    assert (
        chair_client.put(api(slug, "/text"), {"text": ""}, content_type="application/json").status_code == 400
    )

    meetings.meeting_update(meeting=year.september, theme="Sårbare ældre og polyfarmaci", notify=False)
    report = chair_client.get(api(slug)).json()
    assert report["records_changed"] is True
    assert (
        "+Klyngemødet den 9/9 på Hellerup Strandhotel havde temaet sårbare ældre og polyfarmaci."
        in report["changes"]
    )
    assert report["edited_text"] == edited

    kept = chair_client.post(
        api(slug, "/regenerate"),
        {"take_new": False, "fingerprint": report["fingerprint"]},
        content_type="application/json",
    ).json()
    assert kept["edited_text"] == edited
    assert kept["records_changed"] is False

    response = chair_client.get(api(slug, "/export/docx"))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert "Min egen tekst om året i Ølstykke." in [p.text for p in document.paragraphs]
    assert chair_client.get(api(slug, "/export/md")).content.decode().startswith("# Beretning")
    assert chair_client.get(api(slug, "/export/pdf")).content.startswith(b"%PDF")
    assert chair_client.get(api(slug, "/export/rtf")).status_code == 404


def test_activity_figures_through_the_api(chair_client, year):
    slug = year.world.cluster.slug
    data = chair_client.get(f"/api/v1/clusters/{slug}/activity-reports/2024").json()
    assert len(data["practices"]) == 3
    assert {p["provider_number"] for p in data["practices"]} >= {year.held.provider_number}
    assert data["doctors"] == 6
    assert data["doctors_attending"] == 6
    kinds = {k["kind"]: (k["meetings"], k["attendance"]) for k in data["meetings_by_kind"]}
    assert kinds["generalforsamling"] == (1, 5)
    assert kinds["klyngemoede"] == (2, 6)
    assert kinds["internat"] == (1, 2)
    assert "Antibiotika i almen praksis" in data["packages"]
    assert "Sårbare ældre efter udskrivelse" in data["projects_taken_up"]
    pdf = chair_client.get(f"/api/v1/clusters/{slug}/activity-reports/2024/attendance-lists")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_activity_page_and_csv(chair_client, year):
    slug = year.world.cluster.slug
    html = chair_client.get(reverse("reports:activity_report", args=[slug, 2024])).content.decode()
    for text in (
        "Aktivitetsopgørelse 2024",
        "Lægehuset ved Åen",
        year.held.provider_number,
        "Antibiotika i almen praksis",
    ):
        assert text in html
    csv = chair_client.get(reverse("reports:activity_csv", args=[slug, 2024]))
    assert csv.status_code == 200 and "text/csv" in csv["Content-Type"]
    lists = chair_client.get(reverse("reports:attendance_lists", args=[slug, 2024]))
    assert lists.status_code == 200 and lists.content.startswith(b"%PDF")
