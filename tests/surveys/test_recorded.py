"""The web records a questionnaire sent before Klynge, and how many answered it."""

import datetime as dt

import pytest

from klynge.surveys import services
from klynge.surveys.models import QuestionKind, SurveyStatus

pytestmark = pytest.mark.django_db


def test_send_date_and_answers_recorded_on_the_web(client, world):
    survey = services.survey_create(
        cluster=world.cluster, title="Henvisninger", closes_on=dt.date(2025, 8, 22)
    )
    services.question_add(survey=survey, kind=QuestionKind.YES_NO, text="Bruger du SOFT?")
    client.force_login(world.chair)
    url = f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/registrer/"
    assert (
        "Registrér udsendelsen"
        in client.get(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/").content.decode()
    )
    response = client.post(url, {"sent_on": "2025-08-08", "answered": "9"})
    assert response.status_code == 400 and "højst 4" in response.content.decode()
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.DRAFT  # all or nothing
    response = client.post(url, {"sent_on": "2025-08-08", "answered": "3"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (
        survey.status == SurveyStatus.SENT
        and survey.recorded_answers == 3
        and survey.recorded_by == world.chair
    )
    page = client.get(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/").content.decode()
    assert "3 af 4" in page and "registreret efterfølgende af Formand Frida" in page
