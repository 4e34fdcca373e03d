"""API routes for questionnaires, answering and results, under the same rules as the pages."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404
from ninja import Field, Router, Schema, Status

from klynge.core.api import ErrorOut, IsoDate, StrictSchema
from klynge.core.tenancy import cluster_for

from . import selectors, services
from .models import Audience, QuestionKind, SurveyStatus

router = Router(tags=["surveys"])


class QuestionOut(Schema):
    id: int
    position: int
    kind: str
    text: str
    help_text: str
    required: bool
    options: list[str]
    scale_min_label: str
    scale_max_label: str


class SurveyOut(Schema):
    id: int
    title: str
    intro: str
    status: str
    anonymous: bool
    min_responses: int
    audience: str
    roles: list[str]
    opens_on: dt.date | None
    closes_on: dt.date | None
    meeting_id: int | None


class SurveyDetailOut(SurveyOut):
    questions: list[QuestionOut] = Field(..., alias="question_list")


class ObjectIn(StrictSchema):
    """Input of the questionnaire API (StrictSchema: a JSON object only, refused with 422 otherwise)."""


class QuestionIn(ObjectIn):
    kind: Annotated[QuestionKind, Field(strict=False)]
    text: str = Field(..., min_length=1, max_length=500)
    help_text: str = ""
    required: bool = False
    options: list[str] = []
    scale_min_label: str = ""
    scale_max_label: str = ""


class SurveyIn(ObjectIn):
    title: str = Field(..., min_length=1, max_length=200)
    intro: str = ""
    meeting_id: int | None = None
    anonymous: bool = True
    min_responses: int = Field(3, ge=1, le=1000)
    audience: Annotated[Audience, Field(strict=False)] = Audience.MEMBERS
    roles: list[str] = []
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None
    questions: list[QuestionIn] = []


class AnswersIn(ObjectIn):
    answers: dict[str, Any] = Field(
        ...,
        description="Spørgsmålets id → svar: indeks (ét valg), liste af indeks, 1-5, tal, true/false, tekst",
    )


class AnsweredOut(Schema):
    detail: str


class RateOut(Schema):
    answered: int
    asked: int
    percent: int
    unit: str


class RowOut(Schema):
    label: str
    count: int
    share: float


class QuestionResultOut(Schema):
    question_id: int
    text: str
    kind: str
    n: int
    rows: list[RowOut] = []
    stats: dict[str, float] | None = None
    texts: list[str] = []


class ResultsOut(Schema):
    survey_id: int
    responses: int
    visible: bool
    min_responses: int
    detail: str = ""
    questions: list[QuestionResultOut] = []


def _survey(request, slug: str, survey_id: int, permission: str):
    cluster = cluster_for(request.user, slug, permission)
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    can_manage = request.user.has_perm("surveys.manage_surveys", cluster)
    if survey.is_template or (survey.status != SurveyStatus.SENT and not can_manage):
        raise Http404
    return cluster, survey


def _detail(survey):
    survey.question_list = list(survey.questions.order_by("position", "id"))
    return survey


@router.get(
    "/clusters/{slug}/surveys", response={200: list[SurveyOut], 404: ErrorOut}, summary="Spørgeskemaer"
)
def list_surveys(request, slug: str):
    cluster = cluster_for(request.user, slug, "surveys.view_surveys")
    can_manage = request.user.has_perm("surveys.manage_surveys", cluster)
    return selectors.cluster_surveys(cluster=cluster, include_drafts=can_manage)


@router.post("/clusters/{slug}/surveys", response={201: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut})
def create_survey(request, slug: str, payload: SurveyIn):
    cluster = cluster_for(request.user, slug, "surveys.manage_surveys")
    meeting = None
    if payload.meeting_id is not None:
        meeting = cluster.meetings.filter(pk=payload.meeting_id).first()
        if meeting is None:
            raise Http404
    fields = payload.dict(exclude={"questions", "meeting_id"})
    survey = services.survey_create(cluster=cluster, meeting=meeting, by=request.user, **fields)
    for question in payload.questions:
        services.question_add(survey=survey, **question.dict())
    return Status(201, _detail(survey))


@router.get("/clusters/{slug}/surveys/{survey_id}", response={200: SurveyDetailOut, 404: ErrorOut})
def get_survey(request, slug: str, survey_id: int):
    _, survey = _survey(request, slug, survey_id, "surveys.view_surveys")
    return _detail(survey)


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/responses",
    response={201: AnsweredOut, 400: ErrorOut, 404: ErrorOut},
    summary="Svar på et spørgeskema (som den indloggede person)",
)
def answer_survey(request, slug: str, survey_id: int, payload: AnswersIn):
    _, survey = _survey(request, slug, survey_id, "surveys.view_surveys")
    if not survey.invitations.filter(person=request.user).exists():
        raise Http404
    answers = {}
    for key, value in payload.answers.items():
        try:
            answers[int(key)] = value
        except ValueError:
            continue
    services.survey_answer(survey=survey, person=request.user, answers=answers)
    return Status(201, {"detail": "Tak for dit svar."})


@router.get("/clusters/{slug}/surveys/{survey_id}/rate", response={200: RateOut, 404: ErrorOut})
def survey_rate(request, slug: str, survey_id: int):
    _, survey = _survey(request, slug, survey_id, "surveys.manage_surveys")
    rate = selectors.response_rate(survey=survey)
    return {"answered": rate.answered, "asked": rate.asked, "percent": rate.percent, "unit": rate.unit}


@router.get("/clusters/{slug}/surveys/{survey_id}/results", response={200: ResultsOut, 404: ErrorOut})
def survey_results(request, slug: str, survey_id: int):
    _, survey = _survey(request, slug, survey_id, "surveys.view_results")
    if survey.status != SurveyStatus.SENT:
        raise Http404
    results = selectors.survey_results(survey=survey)
    out = {
        "survey_id": survey.pk,
        "responses": results.responses,
        "visible": results.visible,
        "min_responses": survey.min_responses,
    }
    if not results.visible:
        out["detail"] = f"Resultaterne vises først, når mindst {survey.min_responses} har svaret."
        return out
    out["questions"] = [
        {
            "question_id": r.question.pk,
            "text": r.question.text,
            "kind": r.question.kind,
            "n": r.n,
            "rows": [{"label": label, "count": count, "share": share} for label, count, share in r.rows],
            "stats": r.stats,
            "texts": r.texts,
        }
        for r in results.questions
    ]
    return out
