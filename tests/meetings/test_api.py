import pytest

from klynge.meetings import services
from klynge.meetings.models import Invitation

from .conftest import at, make_meeting


@pytest.fixture
def api(client, world):
    client.force_login(world.chair)
    return client


def test_meeting_agenda_answer_attendance_api(api, client, world):
    slug = world.cluster.slug
    response = api.post(
        f"/api/v1/clusters/{slug}/meetings",
        {
            "kind": "klyngemoede",
            "title": "API-møde",
            "starts_at": "2030-05-22T16:00:00+02:00",
            "ends_at": "2030-05-22T19:00:00+02:00",
            "venue_name": "Bernstorff Slot",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    meeting_id = response.json()["id"]
    bad = api.post(
        f"/api/v1/clusters/{slug}/meetings",
        {
            "kind": "klyngemoede",
            "title": "X",
            "starts_at": "2030-05-22T16:00:00+02:00",
            "ends_at": "2030-05-22T15:00:00+02:00",
            "venue_name": "B",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    item = api.post(
        f"/api/v1/clusters/{slug}/meetings/{meeting_id}/agenda",
        {"title": "Data", "duration_minutes": 30},
        content_type="application/json",
    )
    assert item.status_code == 201 and item.json()["position"] == 1
    assert [i["title"] for i in api.get(f"/api/v1/clusters/{slug}/meetings/{meeting_id}/agenda").json()] == [
        "Data"
    ]
    from klynge.meetings.models import Meeting

    services.meeting_invite_all(meeting=Meeting.objects.get(pk=meeting_id))
    answer = api.put(
        f"/api/v1/clusters/{slug}/meetings/{meeting_id}/answer",
        {"answer": "kommer"},
        content_type="application/json",
    )
    assert answer.status_code == 200 and Invitation.objects.get(person=world.chair).answer == "kommer"
    checked = api.post(
        f"/api/v1/clusters/{slug}/meetings/{meeting_id}/attendance",
        {"person_id": world.member.pk},
        content_type="application/json",
    )
    assert checked.status_code == 200
    assert [p["name"] for p in checked.json() if p["checked_in"]] == [world.member.name]
    client.force_login(world.member)
    assert client.get(f"/api/v1/clusters/{slug}/meetings/{meeting_id}/attendance").status_code == 404
    assert client.get(f"/api/v1/clusters/{slug}/meetings").status_code == 200


def test_members_list_the_meetings_of_a_year_over_the_api(client, world):
    make_meeting(world.cluster, title="Maj-møde")
    make_meeting(world.cluster, title="Næste års møde", start=at(2031, 2, 3))
    client.force_login(world.member)
    url = f"/api/v1/clusters/{world.cluster.slug}/meetings"
    assert [m["title"] for m in client.get(url).json()] == ["Maj-møde", "Næste års møde"]
    listed = client.get(url, {"year": 2030}).json()
    assert [(m["title"], m["kind"], m["venue_name"]) for m in listed] == [
        ("Maj-møde", "klyngemoede", "Bernstorff Slot")
    ]
    assert client.get(url, {"year": 2029}).json() == []


def test_agenda_item_moves_in_one_step_over_the_api(api, client, world, other_world):
    meeting = make_meeting(world.cluster)
    for title in ("Velkomst", "Data", "Eventuelt"):
        services.agenda_item_create(meeting=meeting, title=title)
    added = api.post(
        f"/api/v1/clusters/{world.cluster.slug}/meetings/{meeting.pk}/agenda",
        {"title": "Nyt fra PLO"},
        content_type="application/json",
    )
    assert added.json()["position"] == 3  # before »Eventuelt«
    base = f"/api/v1/clusters/{world.cluster.slug}/meetings/{meeting.pk}/agenda/{added.json()['id']}/move"
    moved = api.post(base, {"position": 1}, content_type="application/json")
    assert moved.status_code == 200
    assert [(i["position"], i["title"]) for i in moved.json()] == [
        (1, "Nyt fra PLO"),
        (2, "Velkomst"),
        (3, "Data"),
        (4, "Eventuelt"),
    ]
    assert api.post(base, {"position": 0}, content_type="application/json").status_code in (400, 422)
    listed = api.get(f"/api/v1/clusters/{world.cluster.slug}/meetings/{meeting.pk}").json()
    assert listed["display_name"] == "Klyngemøde 22/5 2030"
    # Another cluster's chair cannot move it.
    client.force_login(other_world.chair)
    assert client.post(base, {"position": 2}, content_type="application/json").status_code == 404
