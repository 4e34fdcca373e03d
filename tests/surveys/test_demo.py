import datetime as dt

import pytest

from klynge.core.models import Cluster
from klynge.demo.builder import load_demo
from klynge.surveys import selectors
from klynge.surveys.models import Survey

pytestmark = pytest.mark.django_db


def test_demo_has_the_referral_questionnaire_with_answers():
    load_demo()
    gentofte = Cluster.objects.get(slug="gentofte")
    survey = Survey.objects.get(cluster=gentofte, title="Henvisninger til kommunale tilbud")
    assert survey.meeting.starts_at.date() == dt.date(2022, 8, 29)
    rate = selectors.response_rate(survey=survey)
    assert rate.asked >= 20 and rate.answered / rate.asked > 0.6
    results = selectors.survey_results(survey=survey)
    assert results.visible and results.responses == rate.answered
    assert any(r.texts for r in results.questions)
    assert Survey.objects.filter(cluster=None, is_template=True).count() >= 2
    # The meeting's agenda links the results (the item about the questionnaire, not a second one).
    linked = survey.meeting.agenda_items.filter(link_url__contains=f"/spoergeskemaer/{survey.pk}/resultater/")
    assert linked.count() == 1
    assert survey.meeting.agenda_items.filter(title__icontains="spørgeskema").count() == 1
