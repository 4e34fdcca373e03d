import datetime as dt

from django.utils import timezone

from klynge.surveys import services
from klynge.surveys.models import QuestionKind


def build_survey(
    cluster, *, anonymous=True, min_responses=3, audience="members", roles=None, send=True, by=None
):
    today = timezone.localdate()
    survey = services.survey_create(
        cluster=cluster,
        title="Henvisninger til kommunale tilbud",
        anonymous=anonymous,
        min_responses=min_responses,
        audience=audience,
        roles=roles,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=14),
        by=by,
    )
    q = {}
    services.question_add(survey=survey, kind=QuestionKind.SECTION, text="Om dine henvisninger")
    q["single"] = services.question_add(
        survey=survey,
        kind=QuestionKind.SINGLE,
        text="Hvor ofte henviser du?",
        options=["Ugentligt", "Månedligt", "Sjældnere"],
        required=True,
    )
    q["multiple"] = services.question_add(
        survey=survey,
        kind=QuestionKind.MULTIPLE,
        text="Hvilke tilbud bruger du?",
        options=["Rygestop", "Genoptræning", "Diabetesforløb"],
    )
    q["scale"] = services.question_add(
        survey=survey,
        kind=QuestionKind.SCALE,
        text="Hvor tilfreds er du?",
        scale_min_label="Meget utilfreds",
        scale_max_label="Meget tilfreds",
    )
    q["number"] = services.question_add(
        survey=survey, kind=QuestionKind.NUMBER, text="Henvisninger sidste måned"
    )
    q["yesno"] = services.question_add(survey=survey, kind=QuestionKind.YES_NO, text="Kender du Tranehaven?")
    q["text"] = services.question_add(survey=survey, kind=QuestionKind.TEXT, text="Ønsker til kommunen")
    if send:
        services.survey_send(survey=survey, by=by)
    survey.refresh_from_db()
    return survey, q


def answer(
    survey, person, q, *, single=0, multiple=(0,), scale=4, number=5, yesno=True, text="Kortere ventetid"
):
    return services.survey_answer(
        survey=survey,
        person=person,
        answers={
            q["single"].pk: single,
            q["multiple"].pk: list(multiple),
            q["scale"].pk: scale,
            q["number"].pk: number,
            q["yesno"].pk: yesno,
            q["text"].pk: text,
        },
    )
