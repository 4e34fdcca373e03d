"""Writes to questionnaires. One transaction each; keyword-only arguments."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from klynge.core import secrecy
from klynge.core import selectors as core_selectors
from klynge.core.models import Cluster, MembershipStatus, Person, Practice, Role
from klynge.core.services import ServiceError, outbox_enqueue
from klynge.core.updates import check_fields, model_update
from klynge.meetings import services as meeting_services
from klynge.meetings.models import Meeting

from . import selectors
from .models import (
    CHOICE_KINDS,
    Answer,
    Audience,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    Survey,
    SurveyStatus,
)

TOKEN_SALT = "klynge.surveys.answer"
# A personal link is good for a year: long after the survey closes, so the page can say so.
TOKEN_MAX_AGE = 366 * 24 * 3600
MEANING_FIELDS = ("kind", "text", "options", "scale_min_label", "scale_max_label")


# Questionnaires ------------------------------------------------------------------------------------


def _check_dates(opens_on, closes_on) -> None:
    if opens_on and closes_on and closes_on < opens_on:
        raise ServiceError({"closes_on": "Sidste svardag skal ligge på eller efter åbningsdagen."})


def _check_meeting(cluster: Cluster | None, meeting: Meeting | None) -> None:
    if meeting is not None and (cluster is None or meeting.cluster_id != cluster.pk):
        raise ServiceError({"meeting": "Mødet hører ikke til klyngen."})


def _clean_roles(roles) -> list[str]:
    roles = [str(r) for r in (roles or [])]
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise ServiceError({"roles": "Ukendt rolle: " + ", ".join(unknown)})
    return roles


@transaction.atomic
def survey_create(
    *,
    cluster: Cluster | None,
    title: str,
    intro: str = "",
    meeting: Meeting | None = None,
    anonymous: bool = True,
    min_responses: int = 3,
    audience: str = Audience.MEMBERS,
    roles: list[str] | None = None,
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    is_template: bool = False,
    by: Person | None = None,
) -> Survey:
    if not (title or "").strip():
        raise ServiceError({"title": "Giv spørgeskemaet en titel."})
    if cluster is None and not is_template:
        raise ServiceError("Et spørgeskema hører til en klynge; kun skabeloner kan være fælles.")
    _check_dates(opens_on, closes_on)
    _check_meeting(cluster, meeting)
    roles = _clean_roles(roles)
    if audience == Audience.ROLES and not roles:
        raise ServiceError({"roles": "Vælg mindst én rolle."})
    if min_responses < 1:
        raise ServiceError({"min_responses": "Mindst ét svar."})
    survey = Survey(
        cluster=cluster,
        title=title.strip(),
        intro=intro,
        meeting=meeting,
        anonymous=anonymous,
        min_responses=min_responses,
        audience=audience,
        roles=roles,
        opens_on=opens_on,
        closes_on=closes_on,
        is_template=is_template,
        created_by=by,
    )
    survey.full_clean()
    survey.save()
    return survey


SURVEY_UPDATE_FIELDS = (
    "title",
    "intro",
    "meeting",
    "anonymous",
    "min_responses",
    "audience",
    "roles",
    "opens_on",
    "closes_on",
)
QUESTION_UPDATE_FIELDS = (
    "kind",
    "text",
    "help_text",
    "required",
    "options",
    "scale_min_label",
    "scale_max_label",
)


@transaction.atomic
def survey_update(*, survey: Survey, **fields) -> Survey:
    check_fields(survey, fields=SURVEY_UPDATE_FIELDS, data=fields)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    has_answers = survey.responses.exists()
    if has_answers and "anonymous" in fields and fields["anonymous"] != survey.anonymous:
        raise ServiceError(
            {"anonymous": "Der er allerede svar: anonymitet kan ikke ændres. Kopiér spørgeskemaet i stedet."}
        )
    if (
        survey.status == SurveyStatus.SENT
        and "min_responses" in fields
        and fields["min_responses"] < survey.min_responses
    ):
        # Lowering the bar after the answers come in could expose a single person's answers.
        raise ServiceError(
            {"min_responses": "Spørgeskemaet er sendt ud: det mindste antal svar kan hæves, men ikke sænkes."}
        )
    if survey.status == SurveyStatus.SENT:
        for name in ("audience", "roles"):
            if name in fields and fields[name] != getattr(survey, name):
                raise ServiceError({name: "Spørgeskemaet er sendt ud: modtagerne kan ikke ændres."})
    if "roles" in fields:
        fields["roles"] = _clean_roles(fields["roles"])
    model_update(instance=survey, fields=SURVEY_UPDATE_FIELDS, data=fields, save=False)
    if not (survey.title or "").strip():
        raise ServiceError({"title": "Giv spørgeskemaet en titel."})
    _check_dates(survey.opens_on, survey.closes_on)
    _check_meeting(survey.cluster, survey.meeting)
    if survey.audience == Audience.ROLES and not survey.roles:
        raise ServiceError({"roles": "Vælg mindst én rolle."})
    survey.full_clean()
    survey.save()
    return survey


@transaction.atomic
def survey_delete(*, survey: Survey) -> None:
    if survey.status == SurveyStatus.SENT:
        raise ServiceError("Et udsendt spørgeskema kan ikke slettes.")
    survey.delete()


@transaction.atomic
def survey_copy(
    *,
    source: Survey,
    cluster: Cluster | None,
    by: Person | None = None,
    title: str | None = None,
    as_template: bool = False,
) -> Survey:
    """A new draft (or template) with the source's questions; no recipients, no answers."""
    copy = survey_create(
        cluster=cluster,
        title=title or (source.title if source.is_template or as_template else f"Kopi af {source.title}"),
        intro=source.intro,
        meeting=source.meeting
        if (cluster is not None and source.cluster_id == cluster.pk and not as_template)
        else None,
        anonymous=source.anonymous,
        min_responses=source.min_responses,
        audience=source.audience,
        roles=list(source.roles),
        is_template=as_template,
        by=by,
    )
    copy.copied_from = source
    copy.save(update_fields=["copied_from"])
    Question.objects.bulk_create(
        Question(
            survey=copy,
            position=index,
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            required=q.required,
            options=list(q.options),
            scale_min_label=q.scale_min_label,
            scale_max_label=q.scale_max_label,
        )
        for index, q in enumerate(source.questions.order_by("position", "id"))
    )
    return copy


# Questions -----------------------------------------------------------------------------------------


def _clean_options(kind: str, options) -> list[str]:
    if isinstance(options, str):
        options = options.splitlines()
    options = [str(o).strip() for o in (options or []) if str(o).strip()]
    if kind in CHOICE_KINDS:
        if len(options) < 2:
            raise ServiceError({"options": "Skriv mindst to svarmuligheder, én pr. linje."})
        if len({o.lower() for o in options}) != len(options):
            raise ServiceError({"options": "Den samme svarmulighed står flere gange."})
        return options
    return []


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    kind: str,
    text: str,
    help_text: str = "",
    required: bool = False,
    options=None,
    scale_min_label: str = "",
    scale_max_label: str = "",
) -> Question:
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if kind not in QuestionKind.values:
        raise ServiceError({"kind": "Ukendt spørgsmålstype."})
    if not (text or "").strip():
        raise ServiceError({"text": "Skriv spørgsmålet."})
    last = survey.questions.aggregate(m=Max("position"))["m"]
    question = Question(
        survey=survey,
        position=0 if last is None else last + 1,
        kind=kind,
        text=text.strip(),
        help_text=help_text,
        required=bool(required) and kind != QuestionKind.SECTION,
        options=_clean_options(kind, options),
        scale_min_label=scale_min_label.strip() if kind == QuestionKind.SCALE else "",
        scale_max_label=scale_max_label.strip() if kind == QuestionKind.SCALE else "",
    )
    question.full_clean()
    question.save()
    return question


def question_has_answers(question: Question) -> bool:
    return Answer.objects.filter(question=question).exists()


@transaction.atomic
def question_update(*, question: Question, **fields) -> Question:
    """Changes a question; once it has answers only the help text and 'required' may change."""
    check_fields(question, fields=QUESTION_UPDATE_FIELDS, data=fields)
    Survey.objects.select_for_update().get(pk=question.survey_id)
    question = Question.objects.get(pk=question.pk)
    kind = fields.get("kind", question.kind)
    if "options" in fields:
        fields["options"] = _clean_options(kind, fields["options"])
    if kind != QuestionKind.SCALE:
        fields["scale_min_label"] = fields["scale_max_label"] = ""
    if "text" in fields:
        fields["text"] = (fields["text"] or "").strip()
        if not fields["text"]:
            raise ServiceError({"text": "Skriv spørgsmålet."})
    if question_has_answers(question):
        changed = [
            name for name in MEANING_FIELDS if name in fields and fields[name] != getattr(question, name)
        ]
        if changed:
            raise ServiceError(
                {
                    changed[0]: "Spørgsmålet har allerede svar, så type, tekst, svarmuligheder og skala "
                    "kan ikke ændres: det ville ændre betydningen af de svar, der er givet. Du kan rette "
                    "hjælpeteksten, eller kopiere spørgeskemaet og ændre kopien."
                }
            )
    model_update(instance=question, fields=QUESTION_UPDATE_FIELDS, data=fields, save=False)
    if question.kind == QuestionKind.SECTION:
        question.required = False
    question.full_clean()
    question.save()
    return question


@transaction.atomic
def question_delete(*, question: Question) -> None:
    Survey.objects.select_for_update().get(pk=question.survey_id)
    if question_has_answers(question):
        raise ServiceError(
            "Spørgsmålet har svar og kan ikke slettes. Kopiér spørgeskemaet, hvis du vil ændre det."
        )
    question.delete()


@transaction.atomic
def question_move(*, question: Question, direction: str) -> None:
    """Moves a question one place up or down (swapping with its neighbour)."""
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    questions = list(survey.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, q in enumerate(questions):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])


# Distribution --------------------------------------------------------------------------------------


def recipients(survey: Survey, day: dt.date | None = None) -> tuple[list[Person], list[Person]]:
    """(people to ask, people left out because their practice is on hold or has left)."""
    included, excluded = core_selectors.active_members(cluster=survey.cluster, day=day)
    if survey.audience == Audience.ROLES:
        wanted = set(survey.roles)
        inactive = {
            m.practice_id
            for m in core_selectors.cluster_memberships(cluster=survey.cluster, day=day, include_left=True)
            if m.status != MembershipStatus.ACTIVE
        }
        people = core_selectors.cluster_people(cluster=survey.cluster, day=day, roles=wanted)
        included = [p for p in people if p.practice_id not in inactive]
        excluded = [p for p in people if p.practice_id in inactive]
    elif survey.audience == Audience.PRACTICES:
        included = [p for p in included if p.practice_id is not None]
    return included, excluded


def answer_token(survey: Survey, person: Person) -> str:
    return signing.dumps({"s": survey.pk, "p": person.pk}, salt=TOKEN_SALT, compress=True)


def answer_link(survey: Survey, person: Person) -> str:
    path = reverse("surveys:public_answer", kwargs={"token": answer_token(survey, person)})
    return settings.SITE_URL.rstrip("/") + path


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a personal link stands for, or None when the link is forged or too old."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        Invitation.objects.select_related("survey__cluster", "person", "practice")
        .filter(survey_id=data.get("s"), person_id=data.get("p"))
        .first()
    )


def _mail(survey: Survey, invitation: Invitation, reminder: bool) -> None:
    body = render_to_string(
        "surveys/mail/invitation.txt",
        {
            "survey": survey,
            "person": invitation.person,
            "link": answer_link(survey, invitation.person),
            "reminder": reminder,
            "per_practice": survey.audience == Audience.PRACTICES,
        },
    )
    prefix = "Påmindelse: " if reminder else ""
    outbox_enqueue(
        to=invitation.person.email,
        subject=f"{prefix}Spørgeskema fra {survey.cluster.name}: {survey.title}",
        body=body,
        cluster=survey.cluster,
    )


@transaction.atomic
def survey_send(
    *, survey: Survey, by: Person | None = None, send_mail: bool = True, now: dt.datetime | None = None
) -> list[Invitation]:
    """Sends the questionnaire to its recipients, each with a personal link; returns the invitations."""
    survey = Survey.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=survey.pk)
    now = now or timezone.now()
    if survey.is_template:
        raise ServiceError("En skabelon sendes ikke ud: kopiér den til et spørgeskema først.")
    if survey.status == SurveyStatus.SENT:
        raise ServiceError("Spørgeskemaet er allerede sendt ud.")
    if not survey.questions.exclude(kind=QuestionKind.SECTION).exists():
        raise ServiceError("Tilføj mindst ét spørgsmål, før spørgeskemaet sendes ud.")
    if survey.closes_on is None:
        raise ServiceError({"closes_on": "Angiv sidste svardag, før spørgeskemaet sendes ud."})
    today = timezone.localdate(now)
    if survey.closes_on < today:
        raise ServiceError({"closes_on": "Sidste svardag er overskredet."})
    people, _excluded = recipients(survey, day=today)
    if not people:
        raise ServiceError("Der er ingen modtagere.")
    invitations = Invitation.objects.bulk_create(
        Invitation(survey=survey, person=p, practice=p.practice, invited_at=now) for p in people
    )
    survey.status = SurveyStatus.SENT
    survey.sent_at = now
    if survey.opens_on is None:
        survey.opens_on = today
    survey.save(update_fields=["status", "sent_at", "opens_on"])
    if send_mail:
        invitations = list(survey.invitations.select_related("person"))
        for invitation in invitations:
            _mail(survey, invitation, reminder=False)
    return invitations


@transaction.atomic
def survey_record(
    *,
    survey: Survey,
    answered: int,
    sent_on: dt.date | None = None,
    by: Person | None = None,
    now: dt.datetime | None = None,
) -> Survey:
    """Records a questionnaire sent before (on `sent_on`, to the recipients of that day, with no mail)
    and how many answered it. The answers themselves are not in Klynge: only their number."""
    now = now or timezone.now()
    survey = Survey.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=survey.pk)
    if survey.status == SurveyStatus.DRAFT:
        if sent_on is None:
            raise ServiceError({"sent_on": "Skriv, hvornår spørgeskemaet blev sendt ud."})
        if sent_on >= timezone.localdate(now):
            raise ServiceError(
                {"sent_on": "Udsendelsen skal ligge før i dag; send det ellers ud som normalt."}
            )
        if survey.closes_on is None:
            raise ServiceError({"closes_on": "Angiv sidste svardag, før udsendelsen registreres."})
        survey_send(
            survey=survey,
            by=by,
            send_mail=False,
            now=timezone.make_aware(dt.datetime.combine(sent_on, dt.time(9))),
        )
        survey.refresh_from_db()
    elif sent_on is not None and sent_on != timezone.localdate(survey.sent_at):
        raise ServiceError({"sent_on": "Spørgeskemaet er allerede sendt ud; datoen kan ikke ændres."})
    return survey_record_answers(survey=survey, answered=answered, by=by, now=now)


@transaction.atomic
def survey_record_answers(
    *, survey: Survey, answered: int, by: Person | None = None, now: dt.datetime | None = None
) -> Survey:
    """Records how many answered outside Klynge (on paper, or before the cluster used Klynge)."""
    survey = Survey.objects.select_for_update(of=("self",)).get(pk=survey.pk)
    if survey.status != SurveyStatus.SENT:
        raise ServiceError("Registrér udsendelsen, før antallet af svar.")
    if answered < 0:
        raise ServiceError({"answered": "Antallet kan ikke være negativt."})
    asked = selectors.asked_count(survey=survey)
    room = asked - survey.participations.count()
    if answered > room:
        raise ServiceError(
            {
                "answered": f"Spørgeskemaet blev sendt til {asked}; højst {room} kan have svaret uden for Klynge."
            }
        )
    survey.recorded_answers = answered
    survey.recorded_by = by
    survey.recorded_at = now or timezone.now()
    survey.save(update_fields=["recorded_answers", "recorded_by", "recorded_at"])
    return survey


def pending_invitations(survey: Survey):
    """Invitations of people who have not answered (for one answer per practice: whose practice has not)."""
    invitations = survey.invitations.select_related("person")
    if survey.audience == Audience.PRACTICES:
        done = survey.participations.values_list("practice_id", flat=True)
        return invitations.exclude(practice_id__in=done)
    done = survey.participations.values_list("person_id", flat=True)
    return invitations.exclude(person_id__in=[p for p in done if p is not None])


@transaction.atomic
def survey_remind(*, survey: Survey, now: dt.datetime | None = None) -> int:
    """Mails a reminder to everyone who has not answered; returns how many."""
    survey = Survey.objects.select_for_update(of=("self",)).select_related("cluster").get(pk=survey.pk)
    now = now or timezone.now()
    if not survey.is_open(timezone.localdate(now)):
        raise ServiceError("Spørgeskemaet er ikke åbent for svar.")
    count = 0
    for invitation in pending_invitations(survey):
        _mail(survey, invitation, reminder=True)
        invitation.reminders += 1
        invitation.save(update_fields=["reminders"])
        count += 1
    survey.reminded_at = now
    survey.save(update_fields=["reminded_at"])
    return count


def surveys_due_for_reminder(*, now: dt.datetime | None = None, every_days: int = 3):
    """Open questionnaires sent (or last reminded) at least `every_days` days ago."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    cutoff = now - dt.timedelta(days=every_days)
    due = []
    for survey in Survey.objects.filter(status=SurveyStatus.SENT, is_template=False, closes_on__gte=today):
        if not survey.is_open(today):
            continue
        last = survey.reminded_at or survey.sent_at
        if last is None or last <= cutoff:
            due.append(survey)
    return due


# Answering -----------------------------------------------------------------------------------------


def _clean_answer(question: Question, raw):
    """The stored value of one answer, or None for no answer; ServiceError for a bad one."""
    if raw in (None, "", []):
        return None
    kind = question.kind
    bad = ServiceError({question.field_name: "Svaret er ikke gyldigt."})
    if kind == QuestionKind.SINGLE:
        try:
            index = int(raw)
        except (TypeError, ValueError):
            raise bad
        if not 0 <= index < len(question.options):
            raise bad
        return index
    if kind == QuestionKind.MULTIPLE:
        values = raw if isinstance(raw, list | tuple) else [raw]
        try:
            indexes = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise bad
        if any(not 0 <= i < len(question.options) for i in indexes):
            raise bad
        return indexes or None
    if kind == QuestionKind.SCALE:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            raise bad
        if not 1 <= value <= 5:
            raise ServiceError({question.field_name: "Vælg et tal fra 1 til 5."})
        return value
    if kind == QuestionKind.NUMBER:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except InvalidOperation:
            raise ServiceError({question.field_name: "Skriv et tal, fx 12 eller 3,5."})
        if not number.is_finite() or abs(number) > Decimal("1e12"):
            raise ServiceError({question.field_name: "Skriv et tal, fx 12 eller 3,5."})
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == QuestionKind.YES_NO:
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("ja", "yes", "true", "1"):
            return True
        if text in ("nej", "no", "false", "0"):
            return False
        raise bad
    if kind == QuestionKind.TEXT:
        text = str(raw).strip()
        if len(text) > 5000:
            raise ServiceError({question.field_name: "Svaret må højst være 5.000 tegn."})
        return text or None
    return None


ALREADY = "Du har allerede svaret på spørgeskemaet. Man kan kun svare én gang."
ALREADY_PRACTICE = "Din praksis har allerede svaret på spørgeskemaet (ét svar pr. praksis)."


@transaction.atomic
def survey_answer(
    *, survey: Survey, person: Person, answers: dict[int, object], today: dt.date | None = None
) -> Response:
    """Stores a person's answers; each person (or practice) answers once.

    `answers` maps question id to the raw value from the form or API. For an anonymous survey the
    response carries no person, practice or date, and the participation row no response.
    """
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    today = today or timezone.localdate()
    invitation = survey.invitations.filter(person=person).first()
    if invitation is None:
        raise ServiceError("Du er ikke blandt modtagerne af dette spørgeskema.")
    if not survey.is_open(today):
        raise ServiceError("Spørgeskemaet er ikke åbent for svar.")
    per_practice = survey.audience == Audience.PRACTICES
    practice: Practice | None = invitation.practice if per_practice else None
    if per_practice and practice is None:
        raise ServiceError("Du er ikke knyttet til en praksis.")
    done = survey.participations.filter(
        **({"practice": practice} if per_practice else {"person": person, "practice__isnull": True})
    )
    if done.exists():
        raise ServiceError(ALREADY_PRACTICE if per_practice else ALREADY)

    questions = [q for q in survey.questions.order_by("position", "id") if not q.is_section]
    errors = {}
    values = {}
    for question in questions:
        raw = answers.get(question.pk, answers.get(str(question.pk)))
        try:
            value = _clean_answer(question, raw)
        except ServiceError as error:
            errors.update(error.message_dict)
            continue
        if value is None:
            if question.required:
                errors[question.field_name] = ["Spørgsmålet skal besvares."]
            continue
        values[question] = value
    if errors:
        raise ServiceError(errors)

    try:
        with transaction.atomic():
            Participation.objects.create(survey=survey, person=person, practice=practice)
    except IntegrityError:
        raise ServiceError(ALREADY_PRACTICE if per_practice else ALREADY)
    if survey.anonymous:
        return _store_anonymously(survey, values)
    response = Response.objects.create(
        survey=survey, person=person, practice=invitation.practice, submitted_on=today
    )
    Answer.objects.bulk_create(Answer(response=response, question=q, value=v) for q, v in values.items())
    return response


_shuffle = secrets.SystemRandom().shuffle


def _store_anonymously(survey: Survey, values: dict[Question, object]) -> Response:
    """Writes the new response and rewrites all earlier ones with it: fresh keys, random order.

    Rows keep traces of when they were written: the row id in SQLite, the physical place and the
    transaction id (xmin) in PostgreSQL, and a key kept from one copy of the database to the next
    shows which response is new. The participation row written in this transaction would share those
    traces with the new response. So every response and answer of the survey is written anew in this
    transaction, in a shuffled order and under keys never used before: in a copy, no response is older
    or newer than another, and no key can be followed from one backup to the next. The old rows are
    wiped (SQLite's secure_delete) and the log emptied after the commit (see docs/secret-ballots.md).
    """
    contents = [
        [(a.question_id, a.value) for a in response.answers.all()]
        for response in Response.objects.filter(survey=survey).prefetch_related("answers")
    ]
    mine = [(q.pk, v) for q, v in values.items()]
    contents.append(mine)
    Response.objects.filter(survey=survey).delete()
    _shuffle(contents)
    responses = [Response(pk=uuid.uuid4(), survey=survey) for _ in contents]
    Response.objects.bulk_create(responses)
    answers = [
        Answer(pk=uuid.uuid4(), response=response, question_id=question_id, value=value)
        for response, items in zip(responses, contents, strict=True)
        for question_id, value in items
    ]
    _shuffle(answers)
    Answer.objects.bulk_create(answers)
    secrecy.after_secret_write()
    # Its key lasts only until the next answer rewrites them all.
    return next(r for r, items in zip(responses, contents, strict=True) if items is mine)


# Meetings ------------------------------------------------------------------------------------------


@transaction.atomic
def survey_put_on_agenda(*, survey: Survey, results_url: str, by: Person | None = None):
    """Links the results from the survey's meeting's agenda.

    An item that already links the results is kept; an item about the questionnaire without a
    link (e.g. "Resultater af spørgeskemaet") gets the link; otherwise a new item is added.
    """
    if survey.meeting is None:
        raise ServiceError("Spørgeskemaet er ikke knyttet til et møde.")
    items = survey.meeting.agenda_items.all()
    linked = items.filter(link_url=results_url).first()
    if linked is not None:
        return linked
    label = "Se resultaterne af spørgeskemaet"
    unlinked = items.filter(title__icontains="spørgeskema", link_url="").order_by("position").first()
    if unlinked is not None:
        return meeting_services.agenda_item_update(item=unlinked, link_url=results_url, link_label=label)
    return meeting_services.agenda_item_create(
        meeting=survey.meeting,
        title=f"Resultater af spørgeskemaet: {survey.title}",
        link_url=results_url,
        link_label=label,
    )
