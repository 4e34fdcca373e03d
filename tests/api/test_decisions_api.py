"""Decisions through the API: polls tied to agenda items, drafts changed, proxies, confidence votes,
votes recorded afterwards, motions on the agenda with attachments, charter versions."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from klynge.core.models import Role
from klynge.decisions.models import Poll, Proxy
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import agenda_item_create, attendance_check_in
from tests.api.client import Api
from tests.decisions.helpers import add_voters, make_meeting
from tests.factories import ClusterWorld, make_person, make_practice

pytestmark = pytest.mark.django_db


def test_a_draft_is_tied_to_an_agenda_item_changed_and_given_proxies(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    meeting = make_meeting(world.cluster)
    item = agenda_item_create(meeting=meeting, title="Valg til bestyrelsen")
    poll = chair.post(f"/clusters/{slug}/polls", {"question": "Vælg formand", "agenda_item_id": item.pk})
    assert poll["meeting_id"] == meeting.pk and poll["agenda_item_id"] == item.pk
    agenda = chair.get(f"/clusters/{slug}/meetings/{meeting.pk}/agenda")
    assert next(i for i in agenda if i["id"] == item.pk)["poll_ids"] == [poll["id"]]
    changed = chair.patch(
        f"/clusters/{slug}/polls/{poll['id']}",
        {"kind": "single", "options": ["Anne", "Bo"], "secret": True},
    )
    assert [o["label"] for o in changed["options"]] == ["Anne", "Bo"] and changed["secret"]
    proxy = chair.post(
        f"/clusters/{slug}/polls/{poll['id']}/proxies",
        {"giver_id": world.member.pk, "holder_id": world.chair.pk},
    )
    assert Proxy.objects.get(pk=proxy["id"]).meeting == meeting
    no_vote = chair.post(
        f"/clusters/{slug}/polls/{poll['id']}/proxies",
        {"giver_id": world.alternate.pk, "holder_id": world.chair.pk},
        expect=400,
    )
    assert no_vote["errors"] == {"giver": [f"{world.alternate.name} har ikke stemmeret i klyngen."]}
    stranger = make_person(ClusterWorld("Klynge Anden").cluster, Role.MEMBER)
    outside = chair.post(
        f"/clusters/{slug}/polls/{poll['id']}/proxies",
        {"giver_id": world.member.pk, "holder_id": stranger.pk},
        expect=400,
    )
    assert outside["errors"] == {"holder": ["Personen findes ikke i klyngen."]}
    # Another meeting's agenda item cannot be used.
    other = agenda_item_create(meeting=make_meeting(world.cluster), title="X")
    bad = chair.patch(
        f"/clusters/{slug}/polls/{poll['id']}",
        {"agenda_item_id": other.pk, "meeting_id": meeting.pk},
        expect=400,
    )
    assert "hører ikke til mødet" in bad["detail"]
    # The agenda item alone brings its meeting, as on the web.
    moved = chair.patch(f"/clusters/{slug}/polls/{poll['id']}", {"agenda_item_id": other.pk})
    assert (moved["agenda_item_id"], moved["meeting_id"]) == (other.pk, other.meeting_id)


def test_a_recorded_confidence_vote_through_the_api(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    meeting = make_meeting(
        world.cluster,
        kind=MeetingKind.GENERAL_ASSEMBLY,
        when=timezone.make_aware(dt.datetime(2025, 3, 10, 17)),
    )
    item = agenda_item_create(meeting=meeting, title="Tillid til Charlottenlund Lægehus")
    for person in add_voters(world, 17):
        attendance_check_in(meeting=meeting, person=person)
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    body = {
        "question": "Er der tillid til Charlottenlund Lægehus' fortsatte deltagelse?",
        "agenda_item_id": item.pk,
        "counts": {"yes": 6, "no": 11},
        "effect": {
            "kind": "suspend",
            "applies_if": "rejected",
            "practice_id": held.pk,
            "until_next_general_assembly": True,
        },
    }
    too_many = chair.post(
        f"/clusters/{slug}/recorded-polls", {**body, "counts": {"yes": 6, "no": 12}}, expect=400
    )
    assert "kun 17 havde stemmeret" in too_many["detail"]
    decision = chair.post(f"/clusters/{slug}/recorded-polls", body)
    assert decision["outcome"] == "Der var ikke tillid" and decision["effect_applied"]
    assert decision["recorded_afterwards"] and decision["reference"] == "Beslutning nr. 1 af 10/3 2025"
    poll = chair.get(f"/clusters/{slug}/polls/{decision['poll_id']}")
    assert poll["is_confidence_vote"] and poll["recorded_by_id"] == world.chair.pk
    assert poll["effect"]["applies_if"] == "rejected" and poll["status"] == "published"
    assert (
        Api(client, world.member).get(f"/clusters/{slug}/decisions/{decision['id']}")["outcome"]
        == "Der var ikke tillid"
    )
    # Members may not record votes.
    Api(client, world.member).post(f"/clusters/{slug}/recorded-polls", body, expect=404)
    assert Poll.objects.count() == 1


def test_motions_go_on_the_agenda_with_attachments_and_charters_are_registered(client, world):
    chair = Api(client, world.chair)
    member = Api(client, world.member)
    slug = world.cluster.slug
    meeting = make_meeting(world.cluster, when=timezone.now() + dt.timedelta(days=40))
    motion = member.post(
        f"/clusters/{slug}/motions", {"meeting_id": meeting.pk, "title": "Åbne data", "text": "Vi deler."}
    )
    attached = member.upload(
        f"/clusters/{slug}/motions/{motion['id']}/attachments",
        {"file": SimpleUploadedFile("begrundelse.pdf", b"%PDF-1.4 x", "application/pdf")},
    )
    assert attached["filename"] == "begrundelse.pdf"
    fake = member.upload(
        f"/clusters/{slug}/motions/{motion['id']}/attachments",
        {"file": SimpleUploadedFile("fake.pdf", b"not a pdf", "application/pdf")},
        expect=400,
    )
    assert "ikke en rigtig PDF" in fake["detail"]
    Api(client, world.coordinator).upload(
        f"/clusters/{slug}/motions/{motion['id']}/attachments",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4", "application/pdf")},
    )  # the board may add attachments
    member.post(f"/clusters/{slug}/motions/{motion['id']}/agenda", expect=404)
    placed = chair.post(f"/clusters/{slug}/motions/{motion['id']}/agenda", expect=200)
    assert placed["status"] == "on_agenda"
    chair.post(f"/clusters/{slug}/motions/{motion['id']}/agenda", expect=400)
    version = chair.post(
        f"/clusters/{slug}/charters",
        {"kind": "statutes", "text": "§ 1. Klyngens navn.", "adopted_on": "2019-03-01"},
    )
    assert version["number"] == 1
    assert [v["adopted_on"] for v in member.get(f"/clusters/{slug}/charters/statutes")] == ["2019-03-01"]
    member.get(f"/clusters/{slug}/charters/andet", expect=404)
