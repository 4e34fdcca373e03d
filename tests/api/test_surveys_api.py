"""Questionnaires through the API: built, changed, copied, sent now or recorded as sent before with how
many answered, reminders, the agenda link and the template library."""

import datetime as dt

import pytest
from django.core import mail

from klynge.core.models import OutboxMessage, Role
from klynge.surveys.models import Survey
from tests.api.client import Api
from tests.decisions.helpers import make_meeting
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def _survey(chair, slug, **extra):
    return chair.post(
        f"/clusters/{slug}/surveys",
        {"title": "Henvisninger til kommunen", "closes_on": "2025-08-22", **extra},
    )


def test_a_questionnaire_is_built_changed_and_copied(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    survey = _survey(chair, slug)
    sid = survey["id"]
    first = chair.post(
        f"/clusters/{slug}/surveys/{sid}/questions", {"kind": "yesno", "text": "Bruger du SOFT?"}
    )
    second = chair.post(
        f"/clusters/{slug}/surveys/{sid}/questions",
        {"kind": "single", "text": "Hvor ofte?", "options": ["Aldrig", "Ofte"]},
    )
    moved = chair.post(
        f"/clusters/{slug}/surveys/{sid}/questions/{second['id']}/move", {"direction": "up"}, expect=200
    )
    assert [q["text"] for q in moved["questions"]] == ["Hvor ofte?", "Bruger du SOFT?"]
    chair.patch(f"/clusters/{slug}/surveys/{sid}/questions/{first['id']}", {"help_text": "Kommunens portal"})
    chair.patch(
        f"/clusters/{slug}/surveys/{sid}/questions/{second['id']}", {"options": ["Aldrig"]}, expect=400
    )
    left = chair.delete(f"/clusters/{slug}/surveys/{sid}/questions/{first['id']}")
    assert [q["text"] for q in left["questions"]] == ["Hvor ofte?"]
    changed = chair.patch(
        f"/clusters/{slug}/surveys/{sid}", {"title": "Henvisninger", "audience": "practices"}
    )
    assert changed["title"] == "Henvisninger" and changed["audience"] == "practices"
    copy = chair.post(f"/clusters/{slug}/surveys/{sid}/copy", {"title": "Næste år"})
    assert copy["status"] == "draft" and [q["text"] for q in copy["questions"]] == ["Hvor ofte?"]
    template = chair.post(f"/clusters/{slug}/surveys/{sid}/save-as-template", {"platform": True})
    assert template["is_template"]
    assert Survey.objects.get(pk=template["id"]).cluster == world.cluster  # not staff: the cluster's own
    used = chair.post(f"/clusters/{slug}/survey-templates/{template['id']}/use")
    assert used["title"] == "Henvisninger" and not used["is_template"]
    assert template["id"] in {t["id"] for t in chair.get(f"/clusters/{slug}/survey-templates")}
    remaining = chair.delete(f"/clusters/{slug}/surveys/{copy['id']}")
    assert copy["id"] not in {s["id"] for s in remaining}
    Api(client, world.member).post(
        f"/clusters/{slug}/surveys/{sid}/questions", {"kind": "text", "text": "x"}, expect=404
    )


def test_a_questionnaire_sent_before_is_recorded_with_its_answers(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    late = make_person(world.cluster, Role.MEMBER, practice=world.practice, starts_on=dt.date(2025, 9, 1))
    survey = _survey(chair, slug)
    sid = survey["id"]
    chair.post(f"/clusters/{slug}/surveys/{sid}/questions", {"kind": "yesno", "text": "Bruger du SOFT?"})
    before = OutboxMessage.objects.count()
    sent = chair.post(f"/clusters/{slug}/surveys/{sid}/send", {"sent_on": "2025-08-08"}, expect=200)
    # The members of that day: the chair, the coordinator, the member and the alternate; not the later one.
    assert sent["recipients"] == 4 and sent["survey"]["sent_at"].startswith("2025-08-08")
    assert not Survey.objects.get(pk=sid).invitations.filter(person=late).exists()
    assert OutboxMessage.objects.count() == before and not mail.outbox
    too_many = chair.put(f"/clusters/{slug}/surveys/{sid}/recorded-answers", {"answered": 5}, expect=400)
    assert "højst 4" in too_many["detail"]
    recorded = chair.put(f"/clusters/{slug}/surveys/{sid}/recorded-answers", {"answered": 3})
    assert recorded["recorded_answers"] == 3 and recorded["recorded_by_id"] == world.chair.pk
    assert chair.get(f"/clusters/{slug}/surveys/{sid}/rate") == {
        "answered": 3,
        "asked": 4,
        "percent": 75,
        "unit": "personer",
    }
    chair.post(f"/clusters/{slug}/surveys/{sid}/send", {}, expect=400)


def test_sending_now_reminding_and_the_agenda(client, world):
    chair = Api(client, world.chair)
    slug = world.cluster.slug
    meeting = make_meeting(world.cluster)
    closes = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    survey = _survey(chair, slug, closes_on=closes, meeting_id=meeting.pk)
    sid = survey["id"]
    chair.post(f"/clusters/{slug}/surveys/{sid}/send", {}, expect=400)  # no questions yet
    chair.post(f"/clusters/{slug}/surveys/{sid}/questions", {"kind": "text", "text": "Hvad mangler?"})
    before = OutboxMessage.objects.count()
    sent = chair.post(f"/clusters/{slug}/surveys/{sid}/send", {}, expect=200)
    assert sent["recipients"] == 4 and OutboxMessage.objects.count() == before + 4
    assert chair.post(f"/clusters/{slug}/surveys/{sid}/remind", expect=200) == {"reminded": 4}
    link = chair.post(f"/clusters/{slug}/surveys/{sid}/agenda", expect=200)
    assert link["meeting_id"] == meeting.pk
    assert chair.post(f"/clusters/{slug}/surveys/{sid}/agenda", expect=200) == link
