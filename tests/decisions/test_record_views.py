"""The web: a poll tied to an agenda item, a confidence vote set up as such, a vote recorded afterwards."""

import datetime as dt

import pytest
from django.utils import timezone

from klynge.decisions.models import Poll
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import agenda_item_create, attendance_check_in
from tests.decisions.helpers import add_voters, make_meeting
from tests.factories import make_practice

pytestmark = pytest.mark.django_db


def test_new_poll_from_an_agenda_item_is_tied_to_it(client, world):
    meeting = make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY)
    item = agenda_item_create(meeting=meeting, title="Tillid til Charlottenlund Lægehus")
    held = make_practice(world.cluster, "Charlottenlund Lægehus")
    client.force_login(world.chair)
    page = client.get(f"/k/{world.cluster.slug}/moeder/{meeting.pk}/").content.decode()
    assert f"/afstemninger/ny/?punkt={item.pk}" in page
    form = client.get(f"/k/{world.cluster.slug}/afstemninger/ny/?punkt={item.pk}").content.decode()
    assert f'<option value="{item.pk}" selected>' in form
    response = client.post(
        f"/k/{world.cluster.slug}/afstemninger/ny/",
        {
            "question": "Er der tillid til Charlottenlund Lægehus' fortsatte deltagelse?",
            "kind": "yes_no",
            "majority": "simple",
            "agenda_item": item.pk,
            "effect_kind": "suspend",
            "effect_applies_if": "rejected",
            "effect_practice": held.pk,
            "effect_until_next_ga": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    poll = Poll.objects.get()
    assert poll.agenda_item == item and poll.meeting == meeting and poll.is_confidence_vote
    detail = client.get(response["Location"]).content.decode()
    assert "Spørgsmål om tillid. Svarer flertallet nej" in detail
    assert "Tillid til Charlottenlund Lægehus" in detail


def test_a_vote_recorded_on_the_web_is_shown_as_such(client, world):
    when = timezone.make_aware(dt.datetime(2025, 3, 10, 17))
    meeting = make_meeting(world.cluster, kind=MeetingKind.GENERAL_ASSEMBLY, when=when)
    item = agenda_item_create(meeting=meeting, title="Værdier, regler og mål")
    for person in add_voters(world, 5):
        attendance_check_in(meeting=meeting, person=person)
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/afstemninger/registrer/"
    data = {
        "question": "Skal klyngen vedtage værdier, regler og mål?",
        "kind": "yes_no",
        "majority": "simple",
        "agenda_item": item.pk,
        "votes_yes": 4,
        "votes_no": 1,
        "secret": "on",
        "effect_kind": "charter",
        "effect_applies_if": "adopted",
        "effect_charter_kind": "values",
        "effect_text": "Vi møder forberedte.",
    }
    too_many = client.post(url, {**data, "votes_yes": 9})
    assert too_many.status_code == 400
    assert "kun 5 havde stemmeret og var til stede den 10/3 2025" in too_many.content.decode()
    assert not Poll.objects.exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    detail = client.get(response["Location"]).content.decode()
    assert "Registreret efterfølgende af Formand Frida" in detail
    assert "Gå til stemmesedlen" not in detail
    register = client.get(f"/k/{world.cluster.slug}/beslutninger/").content.decode()
    assert "1/2025" in register and "Registreret efterfølgende" in register and "Hemmelig" in register
    item.refresh_from_db()
    assert "4 for, 1 imod" in item.decisions
