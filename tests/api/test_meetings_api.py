"""Meetings through the API: the year's meetings with their real dates, agenda, minutes, notes, guests,
attendance recorded afterwards, packages, documents, next year's plan and one's calendar feed."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klynge.core.models import Role
from klynge.meetings.models import Attendance, Meeting, MeetingStatus
from tests.api.client import Api
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _past_meeting(chair, slug, **extra):
    body = {
        "kind": "klyngemoede",
        "title": "Klyngemøde om hjertet",
        "starts_at": "2025-05-19T16:00:00+02:00",
        "ends_at": "2025-05-19T19:00:00+02:00",
        "venue_name": "Bernstorff Slot",
        "status": "held",
        **extra,
    }
    return chair.post(f"/clusters/{slug}/meetings", body)


def test_a_held_meeting_is_recorded_with_its_package_guests_notes_and_minutes(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    package = chair.post(
        f"/clusters/{slug}/packages",
        {"title": "Iskæmisk hjertesygdom", "source": "kiap", "ordered_on": "2025-02-01"},
    )
    meeting = _past_meeting(chair, slug, package_id=package["id"], theme="Forløbsplaner")
    assert meeting["status"] == "held" and meeting["package_id"] == package["id"]
    mid = meeting["id"]
    moved = chair.patch(f"/clusters/{slug}/meetings/{mid}", {"venue_name": "Gentofte Rådhus"})
    assert moved["venue_name"] == "Gentofte Rådhus"
    guest = chair.post(
        f"/clusters/{slug}/meetings/{mid}/guests",
        {
            "name": "Hanne Holm",
            "email": "hanne@regionh.example",
            "organisation": "Region Hovedstaden",
            "role": "praksiskonsulent",
        },
    )
    assert guest["role"] == "praksiskonsulent"
    chair.post(
        f"/clusters/{slug}/meetings/{mid}/guests",
        {"name": "Hanne", "email": "hanne@regionh.example"},
        expect=400,
    )
    item = chair.post(f"/clusters/{slug}/meetings/{mid}/agenda", {"title": "Forløbsplaner for hjertesygdom"})
    second = chair.post(f"/clusters/{slug}/meetings/{mid}/agenda", {"title": "Eventuelt"})
    agenda = chair.post(
        f"/clusters/{slug}/meetings/{mid}/agenda/{second['id']}/move", {"position": 1}, expect=200
    )
    assert [i["title"] for i in agenda] == ["Eventuelt", "Forløbsplaner for hjertesygdom"]
    # A guest of the meeting may lead an item (a facilitator, a speaker); a stranger may not.
    led = chair.patch(
        f"/clusters/{slug}/meetings/{mid}/agenda/{item['id']}", {"responsible_id": guest["person_id"]}
    )
    assert led["responsible_id"] == guest["person_id"]
    chair.patch(
        f"/clusters/{slug}/meetings/{mid}/agenda/{item['id']}", {"responsible_id": 999999}, expect=404
    )
    chair.put(
        f"/clusters/{slug}/meetings/{mid}/agenda/{item['id']}/minutes", {"minutes": "Vi så forløbsplanerne."}
    )
    note = chair.post(f"/clusters/{slug}/meetings/{mid}/notes", {"text": "Mere om trivsel", "kind": "note"})
    assert note["created_by_id"] == world.chair.pk
    # Members read the minutes only once approved.
    member = Api(client, world.member)
    member.get(f"/clusters/{slug}/meetings/{mid}/minutes", expect=404)
    approved = chair.post(f"/clusters/{slug}/meetings/{mid}/minutes/approve", expect=200)
    assert approved["approved_by_id"] == world.chair.pk
    minutes = member.get(f"/clusters/{slug}/meetings/{mid}/minutes")
    assert [i["minutes"] for i in minutes["items"]] == ["", "Vi så forløbsplanerne."]
    chair.put(f"/clusters/{slug}/meetings/{mid}/agenda/{item['id']}/minutes", {"minutes": "Nyt"}, expect=400)
    chair.delete(f"/clusters/{slug}/meetings/{mid}/guests/{guest['id']}")
    assert chair.get(f"/clusters/{slug}/meetings/{mid}/guests") == []
    # Members neither add notes nor guests.
    member.post(f"/clusters/{slug}/meetings/{mid}/notes", {"text": "x"}, expect=404)


def test_back_dated_check_ins_follow_who_was_a_member_that_day(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    meeting = _past_meeting(chair, slug)
    late = make_person(world.cluster, Role.MEMBER, practice=world.practice, starts_on=dt.date(2025, 9, 1))
    url = f"/clusters/{slug}/meetings/{meeting['id']}/attendance"
    rows = chair.post(url, {"person_id": world.member.pk}, expect=200)
    assert [r["name"] for r in rows if r["checked_in"]] == ["Medlem Mona"]
    refused = chair.post(url, {"person_id": late.pk}, expect=400)
    assert "den 19/5 2025" in refused["detail"] and "startdato" in refused["detail"]
    assert not Attendance.objects.filter(person=late).exists()
    attendance = Attendance.objects.get(person=world.member)
    assert attendance.checked_in_by == world.chair  # who recorded it; checked_in_at is when


def test_next_years_plan_cancel_and_invitations(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    year = dt.date.today().year + 1
    created = chair.post(
        f"/clusters/{slug}/year-plan",
        {
            "entries": [
                {
                    "kind": "generalforsamling",
                    "starts_at": f"{year}-02-27T17:00:00+01:00",
                    "ends_at": f"{year}-02-27T20:00:00+01:00",
                    "venue_name": "Bernstorff Slot",
                },
                {
                    "kind": "internat",
                    "starts_at": f"{year}-11-04T09:00:00+01:00",
                    "ends_at": f"{year}-11-05T16:00:00+01:00",
                    "venue_name": "Marienlyst",
                },
            ]
        },
    )
    assert [m["title"] for m in created] == ["Generalforsamling", "Internat"]
    assert len(chair.get(f"/clusters/{slug}/meetings/{created[0]['id']}/agenda")) == 9  # the template
    invited = chair.post(f"/clusters/{slug}/meetings/{created[1]['id']}/invitations")
    assert world.member.pk in invited["invited"]
    cancelled = chair.post(f"/clusters/{slug}/meetings/{created[1]['id']}/cancel", expect=200)
    assert cancelled["status"] == "cancelled"
    chair.post(f"/clusters/{slug}/meetings/{created[1]['id']}/cancel", expect=400)
    bad = chair.post(f"/clusters/{slug}/year-plan", {"entries": []}, expect=422)
    assert "entries" in bad["detail"]
    assert Meeting.objects.filter(cluster=world.cluster, status=MeetingStatus.CANCELLED).count() == 1


def test_packages_follow_ups_attachments_and_documents(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    package = chair.post(f"/clusters/{slug}/packages", {"title": "Smertestillende medicin", "source": "kiap"})
    chair.post(f"/clusters/{slug}/packages", {"title": "National", "national": True}, expect=404)
    changed = chair.patch(f"/clusters/{slug}/packages/{package['id']}", {"focus": "Opioider"})
    assert changed["focus"] == "Opioider"
    follow = chair.post(f"/clusters/{slug}/packages/{package['id']}/follow-up", {"ordered_on": "2025-08-01"})
    assert follow["follow_up_of_id"] == package["id"] and follow["title"].startswith("Opfølgning")
    with_file = chair.upload(
        f"/clusters/{slug}/packages/{package['id']}/attachments",
        {"file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 x", "application/pdf")},
        {"title": "Slides"},
    )
    assert with_file["attachments"] == ["Slides"]
    bad = chair.upload(
        f"/clusters/{slug}/packages/{package['id']}/attachments",
        {"file": SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")},
        expect=400,
    )
    assert "ikke tilladt" in bad["detail"]
    document = chair.upload(
        f"/clusters/{slug}/documents",
        {"file": SimpleUploadedFile("vedtaegter.pdf", b"%PDF-1.4 v1", "application/pdf")},
        {"title": "Vedtægter", "category": "template"},
    )
    again = chair.upload(
        f"/clusters/{slug}/documents/{document['id']}/versions",
        {"file": SimpleUploadedFile("vedtaegter.pdf", b"%PDF-1.4 v2", "application/pdf")},
        {"note": "Rettet § 3"},
    )
    assert [v["number"] for v in again["versions"]] == [2, 1]
    Api(client, world.member).upload(
        f"/clusters/{slug}/documents",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF", "application/pdf")},
        {"title": "X", "category": "other"},
        expect=404,
    )


def test_own_calendar_feed(client, world):
    member = Api(client, world.member)
    url = member.post("/me/calendar-feed")["url"]
    assert "/kalender/" in url and client.get(url[url.index("/kalender/") :]).status_code == 200
    assert member.delete("/me/calendar-feed") == {"revoked": 1}
    assert client.get(url[url.index("/kalender/") :]).status_code == 404


def test_times_the_database_cannot_hold_are_refused_in_danish(client, world):
    chair = Api(client, world.chair)
    body = {
        "kind": "klyngemoede",
        "title": "Møde",
        "starts_at": "0243-06-27T02:09:49+16:19",
        "ends_at": "2025-05-19T19:00:00+02:00",
        "venue_name": "Bernstorff Slot",
    }
    refused = chair.post(f"/clusters/{world.cluster.slug}/meetings", body, expect=422)
    assert refused["detail"] == "Ugyldige data: starts_at: tidszonen findes ikke."
    plan = chair.post(
        f"/clusters/{world.cluster.slug}/year-plan",
        {"entries": [{**body, "starts_at": "2026-02-27T17:00:00+15:00"}]},
        expect=422,
    )
    assert "starts_at: tidszonen findes ikke" in plan["detail"]
    assert not Meeting.objects.exists()
