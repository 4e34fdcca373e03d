"""API routes for questionnaires, answering and results, under the same rules as the pages."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from klynge.core.api import ErrorOut, IsoDate, StrictSchema, patch_fields
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
    is_template: bool
    sent_at: dt.datetime | None
    recorded_answers: int | None = Field(..., description="Svar registreret efterfølgende (kun antallet)")
    recorded_by_id: int | None
    recorded_at: dt.datetime | None


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


# Building, distributing and recording questionnaires --------------------------------------------------


def _managed(request, slug: str, survey_id: int):
    """A questionnaire or template of the cluster, for the board."""
    cluster = cluster_for(request.user, slug, "surveys.manage_surveys")
    return cluster, selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)


class SurveyPatch(ObjectIn):
    title: str | None = Field(None, min_length=1, max_length=200)
    intro: str | None = Field(None, max_length=20_000)
    meeting_id: int | None = None
    anonymous: bool | None = None
    min_responses: int | None = Field(None, ge=1, le=1000)
    audience: Annotated[Audience, Field(strict=False)] | None = None
    roles: list[str] | None = None
    opens_on: IsoDate | None = None
    closes_on: IsoDate | None = None


class QuestionPatch(ObjectIn):
    kind: Annotated[QuestionKind, Field(strict=False)] | None = None
    text: str | None = Field(None, min_length=1, max_length=500)
    help_text: str | None = Field(None, max_length=5000)
    required: bool | None = None
    options: list[str] | None = None
    scale_min_label: str | None = Field(None, max_length=100)
    scale_max_label: str | None = Field(None, max_length=100)


class DirectionIn(ObjectIn):
    direction: str = Field(..., pattern="^(up|down)$", description="'up' eller 'down'")


class CopyIn(ObjectIn):
    title: str = Field("", max_length=200, description="Tom: »Kopi af ...«")


class TemplateIn(ObjectIn):
    platform: bool = Field(False, description="I platformens fælles bibliotek (kun platformens personale)")


class SendIn(ObjectIn):
    sent_on: IsoDate | None = Field(
        None,
        description="Tom: send nu med personlige links. En dato før i dag registrerer en udsendelse, der "
        "er sket (modtagerne den dag, ingen mails).",
    )


class SentOut(Schema):
    survey: SurveyOut
    recipients: int


class RemindedOut(Schema):
    reminded: int


class RecordedAnswersIn(ObjectIn):
    answered: int = Field(..., ge=0, le=100_000, description="Så mange svarede uden for Klynge")


class AgendaLinkOut(Schema):
    agenda_item_id: int
    meeting_id: int


@router.get("/clusters/{slug}/survey-templates", response={200: list[SurveyOut], 404: ErrorOut})
def list_templates(request, slug: str):
    cluster = cluster_for(request.user, slug, "surveys.manage_surveys")
    return list(selectors.template_library(cluster=cluster))


@router.post(
    "/clusters/{slug}/survey-templates/{survey_id}/use",
    response={201: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut},
    summary="Nyt spørgeskema ud fra en skabelon",
)
def use_template(request, slug: str, survey_id: int):
    cluster = cluster_for(request.user, slug, "surveys.manage_surveys")
    template = selectors.template_get(cluster=cluster, survey_id=survey_id)
    return Status(201, _detail(services.survey_copy(source=template, cluster=cluster, by=request.user)))


@router.patch(
    "/clusters/{slug}/surveys/{survey_id}", response={200: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def update_survey(request, slug: str, survey_id: int, payload: SurveyPatch):
    cluster, survey = _managed(request, slug, survey_id)
    fields = patch_fields(
        payload,
        required=("title", "anonymous", "min_responses", "audience"),
        blank={"intro": "", "roles": []},
    )
    if "meeting_id" in fields:
        meeting_id = fields.pop("meeting_id")
        fields["meeting"] = cluster.meetings.filter(pk=meeting_id).first() if meeting_id else None
        if meeting_id and fields["meeting"] is None:
            raise Http404
    services.survey_update(survey=survey, **fields)
    return _detail(selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id))


@router.delete(
    "/clusters/{slug}/surveys/{survey_id}", response={200: list[SurveyOut], 400: ErrorOut, 404: ErrorOut}
)
def delete_survey(request, slug: str, survey_id: int):
    cluster, survey = _managed(request, slug, survey_id)
    services.survey_delete(survey=survey)
    return selectors.cluster_surveys(cluster=cluster, include_drafts=True)


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/copy", response={201: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut}
)
def copy_survey(request, slug: str, survey_id: int, payload: CopyIn):
    cluster, survey = _managed(request, slug, survey_id)
    copy = services.survey_copy(source=survey, cluster=cluster, by=request.user, title=payload.title or None)
    return Status(201, _detail(copy))


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/save-as-template",
    response={201: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut},
)
def save_as_template(request, slug: str, survey_id: int, payload: TemplateIn):
    cluster, survey = _managed(request, slug, survey_id)
    platform = payload.platform and request.user.is_staff
    template = services.survey_copy(
        source=survey, cluster=None if platform else cluster, by=request.user, as_template=True
    )
    return Status(201, _detail(template))


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/questions",
    response={201: QuestionOut, 400: ErrorOut, 404: ErrorOut},
)
def add_question(request, slug: str, survey_id: int, payload: QuestionIn):
    _, survey = _managed(request, slug, survey_id)
    return Status(201, services.question_add(survey=survey, **payload.dict()))


def _question(survey, question_id):
    return selectors.survey_question_get(survey=survey, question_id=question_id)


@router.patch(
    "/clusters/{slug}/surveys/{survey_id}/questions/{question_id}",
    response={200: QuestionOut, 400: ErrorOut, 404: ErrorOut},
)
def update_question(request, slug: str, survey_id: int, question_id: int, payload: QuestionPatch):
    _, survey = _managed(request, slug, survey_id)
    fields = patch_fields(
        payload,
        required=("kind", "text", "required"),
        blank={"help_text": "", "options": [], "scale_min_label": "", "scale_max_label": ""},
    )
    return services.question_update(question=_question(survey, question_id), **fields)


@router.delete(
    "/clusters/{slug}/surveys/{survey_id}/questions/{question_id}",
    response={200: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut},
)
def delete_question(request, slug: str, survey_id: int, question_id: int):
    _, survey = _managed(request, slug, survey_id)
    services.question_delete(question=_question(survey, question_id))
    return _detail(survey)


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/questions/{question_id}/move",
    response={200: SurveyDetailOut, 400: ErrorOut, 404: ErrorOut},
)
def move_question(request, slug: str, survey_id: int, question_id: int, payload: DirectionIn):
    _, survey = _managed(request, slug, survey_id)
    services.question_move(question=_question(survey, question_id), direction=payload.direction)
    return _detail(survey)


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/send",
    response={200: SentOut, 400: ErrorOut, 404: ErrorOut},
    summary="Send spørgeskemaet ud, eller registrér en udsendelse, der er sket",
)
def send_survey(request, slug: str, survey_id: int, payload: SendIn):
    cluster, survey = _managed(request, slug, survey_id)
    if payload.sent_on is not None and payload.sent_on < timezone.localdate():
        survey = services.survey_record(survey=survey, answered=0, sent_on=payload.sent_on, by=request.user)
    else:
        services.survey_send(survey=survey, by=request.user)
        survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    return {"survey": survey, "recipients": survey.invitations.count()}


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/remind",
    response={200: RemindedOut, 400: ErrorOut, 404: ErrorOut},
    summary="Påmind dem, der ikke har svaret",
)
def remind_survey(request, slug: str, survey_id: int):
    _, survey = _managed(request, slug, survey_id)
    return {"reminded": services.survey_remind(survey=survey)}


@router.put(
    "/clusters/{slug}/surveys/{survey_id}/recorded-answers",
    response={200: SurveyOut, 400: ErrorOut, 404: ErrorOut},
    summary="Registrér, hvor mange der svarede uden for Klynge (kun antallet)",
)
def record_answers(request, slug: str, survey_id: int, payload: RecordedAnswersIn):
    _, survey = _managed(request, slug, survey_id)
    return services.survey_record_answers(survey=survey, answered=payload.answered, by=request.user)


@router.post(
    "/clusters/{slug}/surveys/{survey_id}/agenda",
    response={200: AgendaLinkOut, 400: ErrorOut, 404: ErrorOut},
    summary="Sæt resultaterne på dagsordenen for spørgeskemaets møde",
)
def put_on_agenda(request, slug: str, survey_id: int):
    cluster, survey = _managed(request, slug, survey_id)
    url = reverse("surveys:results", args=[cluster.slug, survey.pk])
    item = services.survey_put_on_agenda(survey=survey, results_url=url, by=request.user)
    return {"agenda_item_id": item.pk, "meeting_id": item.meeting_id}
