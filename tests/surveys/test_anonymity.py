"""Anonymous answers carry no link to the person, in any table; each person still answers once."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from klynge.core.models import Person, Practice
from klynge.surveys.models import Answer, Participation, Response

from .helpers import answer, build_survey

pytestmark = pytest.mark.django_db


def _relations_to(model, targets):
    return [
        f
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and f.related_model in targets and (f.many_to_one or f.one_to_one)
    ]


def test_no_row_in_any_table_links_a_person_to_an_anonymous_answer(world):
    survey, q = build_survey(world.cluster, anonymous=True)
    people = [world.chair, world.member, world.alternate]
    for person in people:
        answer(survey, person, q, text=f"Svar fra {person.name}")

    responses = list(Response.objects.filter(survey=survey))
    assert len(responses) == 3
    response_ids = {str(r.pk) for r in responses}
    answer_ids = {str(a) for a in Answer.objects.filter(response__in=responses).values_list("pk", flat=True)}
    person_ids = {p.pk for p in people}

    for response in responses:
        assert response.person_id is None and response.practice_id is None and response.submitted_on is None
    # That they answered is recorded, without any link to what they answered.
    assert set(Participation.objects.filter(survey=survey).values_list("person_id", flat=True)) == person_ids
    assert not _relations_to(Participation, {Response, Answer})

    secret_ids = response_ids | answer_ids
    for model in apps.get_models():
        person_fields = _relations_to(model, {Person, Practice})
        if not person_fields:
            continue
        answer_fields = _relations_to(model, {Response, Answer})
        # Every text or JSON column too: no person-linked row may hold the id of a response or an answer.
        text_fields = [
            f
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField | models.UUIDField)
        ]
        columns = [f.attname for f in person_fields + answer_fields + text_fields]
        for row in model._default_manager.values(*columns):
            if all(row[f.attname] is None for f in person_fields):
                continue
            values = " ".join(str(row[f.attname]) for f in answer_fields + text_fields)
            assert not any(i in values for i in secret_ids), f"{model.__name__} links a person to an answer"

    # And the free texts are there, but the keys are random: their order says nothing.
    assert {a.value for a in Answer.objects.filter(question=q["text"])} == {
        f"Svar fra {p.name}" for p in people
    }
    assert all(len(str(r.pk)) == 36 for r in responses)


def test_a_second_answer_by_the_same_person_is_refused(world):
    survey, q = build_survey(world.cluster, anonymous=True)
    answer(survey, world.member, q)
    with pytest.raises(ValidationError, match="allerede svaret"):
        answer(survey, world.member, q, text="Igen")
    assert Response.objects.filter(survey=survey).count() == 1
    assert Participation.objects.filter(survey=survey).count() == 1


def test_named_answers_carry_the_person(world):
    survey, q = build_survey(world.cluster, anonymous=False)
    response = answer(survey, world.member, q)
    assert response.person == world.member and response.submitted_on is not None
    with pytest.raises(ValidationError):
        answer(survey, world.member, q)


def test_one_answer_per_practice(world):
    survey, q = build_survey(world.cluster, audience="practices")
    answer(survey, world.member, q)
    # Suppleant Sif works in the same practice as Mona: the practice has answered.
    with pytest.raises(ValidationError, match="praksis har allerede svaret"):
        answer(survey, world.alternate, q)
    answer(survey, world.chair, q)
    assert Participation.objects.filter(survey=survey).count() == 2
    assert set(Participation.objects.filter(survey=survey).values_list("practice_id", flat=True)) == {
        world.practice.pk,
        world.other_practice.pk,
    }


def test_only_invited_people_can_answer(world, other_world):
    survey, q = build_survey(world.cluster)
    with pytest.raises(ValidationError, match="ikke blandt modtagerne"):
        answer(survey, other_world.member, q)
    with pytest.raises(ValidationError, match="ikke blandt modtagerne"):
        answer(survey, world.guest, q)


def test_no_transaction_id_or_row_order_links_responses_to_participations(world):
    """Each anonymous answer rewrites the survey's responses in one shuffled batch, under new keys."""
    from django.db import connection

    survey, q = build_survey(world.cluster, anonymous=True)
    first = answer(survey, world.chair, q, text="Første svar")
    keys = {first.pk} | set(Answer.objects.filter(response__survey=survey).values_list("pk", flat=True))
    for person in (world.member, world.alternate, world.coordinator):
        answer(survey, person, q, text=f"Svar fra {person.name}")
    assert Response.objects.filter(survey=survey).count() == 4
    # The rewrite keeps every answer, but no key survives it.
    assert Answer.objects.get(question=q["text"], value="Første svar").response_id != first.pk
    now = set(Response.objects.filter(survey=survey).values_list("pk", flat=True))
    now |= set(Answer.objects.filter(response__survey=survey).values_list("pk", flat=True))
    assert keys.isdisjoint(now)
    assert Answer.objects.filter(response__survey=survey).count() == 4 * 6
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM surveys_response WHERE survey_id = %s", [survey.pk]
            )
            response_xmins = {row[0] for row in cursor.fetchall()}
            # All responses carry the last answer's transaction id, so none can be matched to the
            # participation written with it.
            assert len(response_xmins) == 1
