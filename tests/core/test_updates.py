"""Every update service names the fields it changes: a misspelt one raises and nothing is written.

Before `model_update`, `cluster_update(cluster=c, nmae="Ny")` set a stray attribute, saved and
returned as if the name had changed. Each case below changes one real field (the control: the
same call without the misspelling does change it) and then tries again with a misspelling.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from klynge.core import services as core_services
from klynge.core.updates import UnknownFieldError, check_fields, model_update
from klynge.decisions import services as decision_services
from klynge.meetings import services as meeting_services
from klynge.meetings.models import MeetingKind
from klynge.projects import services as project_services
from klynge.surveys import services as survey_services
from klynge.surveys.models import QuestionKind


def _meeting(world):
    start = timezone.now() + dt.timedelta(days=40)
    return meeting_services.meeting_create(
        cluster=world.cluster,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=3),
        venue_name="Lægehuset",
    )


def _survey(world):
    return survey_services.survey_create(cluster=world.cluster, title="Trivsel", by=world.chair)


# name → (build the instance, call the service with **fields, the real field, a new value, read it back)
CASES = {
    "cluster_update": (
        lambda w: w.cluster,
        lambda w, obj, **f: core_services.cluster_update(cluster=obj, **f),
        "name",
        "Klynge Ny",
    ),
    "practice_update": (
        lambda w: w.practice,
        lambda w, obj, **f: core_services.practice_update(practice=obj, **f),
        "city",
        "Skagen",
    ),
    "person_update": (
        lambda w: w.member,
        lambda w, obj, **f: core_services.person_update(cluster=w.cluster, person=obj, **f),
        "phone",
        "12345678",
    ),
    "profile_update": (
        lambda w: w.member,
        lambda w, obj, **f: core_services.profile_update(person=obj, **f),
        "phone",
        "87654321",
    ),
    "settings_update": (
        lambda w: project_services.settings_update(cluster=w.cluster),
        lambda w, obj, **f: project_services.settings_update(cluster=w.cluster, **f),
        "horizon_months",
        18,
    ),
    "project_save": (
        lambda w: project_services.project_create(cluster=w.cluster, title="Antibiotika", lead=w.member),
        lambda w, obj, **f: project_services.project_save(project=obj, by=w.chair, **f),
        "purpose",
        "Færre recepter",
    ),
    "meeting_update": (
        _meeting,
        lambda w, obj, **f: meeting_services.meeting_update(meeting=obj, notify=False, **f),
        "venue_name",
        "Rådhuset",
    ),
    "agenda_item_update": (
        lambda w: meeting_services.agenda_item_create(meeting=_meeting(w), title="Velkomst"),
        lambda w, obj, **f: meeting_services.agenda_item_update(item=obj, **f),
        "title",
        "Velkommen",
    ),
    "package_update": (
        lambda w: meeting_services.package_create(cluster=w.cluster, title="Demens"),
        lambda w, obj, **f: meeting_services.package_update(package=obj, **f),
        "focus",
        "Opsporing",
    ),
    "survey_update": (
        _survey,
        lambda w, obj, **f: survey_services.survey_update(survey=obj, **f),
        "intro",
        "Fem minutter",
    ),
    "question_update": (
        lambda w: survey_services.question_add(
            survey=_survey(w), kind=QuestionKind.TEXT, text="Hvordan går det?"
        ),
        lambda w, obj, **f: survey_services.question_update(question=obj, **f),
        "help_text",
        "Skriv frit",
    ),
    "poll_update": (
        lambda w: decision_services.poll_create(cluster=w.cluster, question="Nyt logo?", by=w.chair),
        lambda w, obj, **f: decision_services.poll_update(poll=obj, **f),
        "description",
        "Tre forslag",
    ),
}


@pytest.mark.parametrize("service", sorted(CASES))
def test_a_misspelt_field_raises_and_writes_nothing(world, service):
    build, call, field, value = CASES[service]
    obj = build(world)
    before = getattr(type(obj).objects.get(pk=obj.pk), field)
    misspelt = field[:-1] + field[-1] * 2  # "name" → "namee"
    with pytest.raises(UnknownFieldError, match=misspelt):
        call(world, type(obj).objects.get(pk=obj.pk), **{misspelt: value})
    with pytest.raises(UnknownFieldError):
        call(world, type(obj).objects.get(pk=obj.pk), **{field: value, misspelt: value})
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == before != value
    # Control: spelt right, the same call changes the field.
    call(world, type(obj).objects.get(pk=obj.pk), **{field: value})
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == value


def test_every_update_service_is_walked():
    """The eleven of issue 19 and the profile (added with the API)."""
    assert len(CASES) == 12


def test_an_allow_list_with_a_misspelling_is_itself_refused(world):
    with pytest.raises(UnknownFieldError, match="has no field nmae"):
        check_fields(world.cluster, fields=("nmae",), data={})


def test_model_update_reports_what_changed_and_saves(world):
    cluster, changed = model_update(
        instance=world.cluster, fields=("name", "website"), data={"name": "Klynge Øst", "website": ""}
    )
    assert changed == ["name"]
    cluster.refresh_from_db()
    assert cluster.name == "Klynge Øst"
