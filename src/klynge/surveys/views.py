from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from klynge.core.dates import short_date
from klynge.core.form_errors import add_service_errors, error_text, form_status
from klynge.core.frontpage import Waiting
from klynge.core.tenancy import cluster_view

from . import charts, exports, selectors, services
from .forms import AnswerForm, CopyForm, QuestionForm, RecordForm, SurveyForm
from .models import SurveyStatus


def waiting_items(request, cluster) -> list[Waiting]:
    """On the front page's »Det venter på dig«: open questionnaires the person has not answered."""
    if not request.user.has_perm("surveys.view_surveys", cluster):
        return []
    return [
        Waiting(
            kind="Spørgeskema",
            title=survey.title,
            url=reverse("surveys:answer", args=[cluster.slug, survey.pk]),
            detail=f"sidste svardag {short_date(survey.closes_on)}" if survey.closes_on else "",
            due=survey.closes_on,
        )
        for survey in selectors.open_surveys_for(cluster=cluster, person=request.user)
    ]


# Lists and the builder -----------------------------------------------------------------------------


@cluster_view("surveys.view_surveys")
def survey_list(request, cluster):
    can_manage = request.user.has_perm("surveys.manage_surveys", cluster)
    surveys = list(selectors.cluster_surveys(cluster=cluster, include_drafts=can_manage))
    invited = set(
        request.user.survey_invitations.filter(survey__cluster=cluster).values_list("survey_id", flat=True)
    )
    for survey in surveys:
        survey.invited = survey.pk in invited
        survey.answered = survey.invited and selectors.has_answered(survey, request.user)
    templates = selectors.template_library(cluster=cluster).filter(cluster=cluster) if can_manage else []
    return render(
        request,
        "surveys/list.html",
        {"surveys": surveys, "can_manage": can_manage, "templates": templates},
    )


@cluster_view("surveys.manage_surveys")
def survey_create(request, cluster):
    form = SurveyForm(request.POST or None, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(cluster=cluster, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Spørgeskemaet er oprettet. Tilføj nu spørgsmålene.")
            return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Nyt spørgeskema",
            "cancel_url": reverse("surveys:list", args=[cluster.slug]),
        },
        status=form_status(form),
    )


@cluster_view("surveys.manage_surveys")
def survey_edit(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    form = SurveyForm(request.POST or None, instance=survey, cluster=cluster)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_update(survey=survey, **{f: form.cleaned_data[f] for f in form.changed_data})
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Spørgeskemaet er gemt.")
            return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)
    survey.refresh_from_db()
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Ret {survey.title}",
            "cancel_url": reverse("surveys:detail", args=[cluster.slug, survey.pk]),
        },
        status=form_status(form),
    )


def _detail_context(request, cluster, survey):
    questions = selectors.survey_questions(survey=survey)
    included, excluded = ([], [])
    if survey.status == SurveyStatus.DRAFT and not survey.is_template:
        included, excluded = services.recipients(survey)
    return {
        "survey": survey,
        "questions": questions,
        "question_form": QuestionForm(),
        "rate": selectors.response_rate(survey=survey),
        "recipients": included,
        "excluded": excluded,
        "any_answers": survey.responses.exists(),
        "is_open": survey.is_open(),
    }


@cluster_view("surveys.manage_surveys")
def survey_detail(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    return render(request, "surveys/detail.html", _detail_context(request, cluster, survey))


@cluster_view("surveys.manage_surveys")
def survey_rate(request, cluster, survey_id):
    """The live response rate (polled by htmx on the board's page)."""
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    return render(
        request, "surveys/_rate.html", {"survey": survey, "rate": selectors.response_rate(survey=survey)}
    )


@cluster_view("surveys.manage_surveys")
def question_add(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_add(survey=survey, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Spørgsmålet er tilføjet.")
            return redirect(reverse("surveys:detail", args=[cluster.slug, survey.pk]) + "#spoergsmaal")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Tilføj spørgsmål",
            "cancel_url": reverse("surveys:detail", args=[cluster.slug, survey.pk]),
        },
        status=form_status(form),
    )


@cluster_view("surveys.manage_surveys")
def question_edit(request, cluster, survey_id, question_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    question = selectors.survey_question_get(survey=survey, question_id=question_id)
    has_answers = services.question_has_answers(question)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Spørgsmålet er gemt.")
            return redirect(reverse("surveys:detail", args=[cluster.slug, survey.pk]) + "#spoergsmaal")
    intro = (
        "Spørgsmålet har allerede svar. Du kan rette hjælpeteksten, men ikke type, tekst, svarmuligheder "
        "eller skala, for det ville ændre betydningen af de svar, der er givet. Vil du ændre mere, så "
        "kopiér spørgeskemaet."
        if has_answers
        else ""
    )
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Ret spørgsmål",
            "intro": intro,
            "cancel_url": reverse("surveys:detail", args=[cluster.slug, survey.pk]),
        },
        status=form_status(form),
    )


@require_POST
@cluster_view("surveys.manage_surveys")
def question_delete(request, cluster, survey_id, question_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    question = selectors.survey_question_get(survey=survey, question_id=question_id)
    try:
        services.question_delete(question=question)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, "Spørgsmålet er slettet.")
    return redirect(reverse("surveys:detail", args=[cluster.slug, survey.pk]) + "#spoergsmaal")


@require_POST
@cluster_view("surveys.manage_surveys")
def question_move(request, cluster, survey_id, question_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    question = selectors.survey_question_get(survey=survey, question_id=question_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Ukendt retning", status=400)
    services.question_move(question=question, direction=direction)
    if request.htmx:
        return render(request, "surveys/_questions.html", _detail_context(request, cluster, survey))
    return redirect(reverse("surveys:detail", args=[cluster.slug, survey.pk]) + "#spoergsmaal")


@cluster_view("surveys.manage_surveys")
def survey_preview(request, cluster, survey_id):
    """The form exactly as a respondent sees it, in a phone-sized frame; nothing is saved."""
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    form = AnswerForm(questions=selectors.survey_questions(survey=survey))
    return render(request, "surveys/preview.html", {"survey": survey, "form": form, "preview": True})


@require_POST
@cluster_view("surveys.manage_surveys")
def survey_send(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    try:
        invitations = services.survey_send(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Spørgeskemaet er sendt til {len(invitations)} modtagere.")
    return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)


@cluster_view("surveys.manage_surveys")
def survey_record(request, cluster, survey_id):
    """A questionnaire sent and answered outside Klynge: its send date and number of answers."""
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    if survey.is_template:
        raise Http404
    initial = {"answered": survey.recorded_answers or 0}
    if survey.sent_at:
        initial["sent_on"] = timezone.localdate(survey.sent_at)
    form = RecordForm(request.POST or None, initial=initial)
    if survey.status == SurveyStatus.SENT:
        form.fields["sent_on"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_record(
                survey=survey,
                answered=form.cleaned_data["answered"],
                sent_on=form.cleaned_data.get("sent_on") if survey.status != SurveyStatus.SENT else None,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Udsendelsen og antallet af svar er registreret.")
            return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": f"Registrér udsendelse og svar: {survey.title}",
            "intro": "Til et spørgeskema, der blev sendt ud og besvaret, før klyngen brugte Klynge (eller på "
            "papir). Kun antallet af svar gemmes; det vises som registreret efterfølgende.",
            "cancel_url": reverse("surveys:detail", args=[cluster.slug, survey.pk]),
        },
        status=form_status(form),
    )


@require_POST
@cluster_view("surveys.manage_surveys")
def survey_remind(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    try:
        count = services.survey_remind(survey=survey)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Påmindelse sendt til {count}, som ikke har svaret.")
    return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)


@cluster_view("surveys.manage_surveys")
def survey_copy(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    form = CopyForm(request.POST or None, initial={"title": f"Kopi af {survey.title}"})
    if request.method == "POST" and form.is_valid():
        copy = services.survey_copy(
            source=survey, cluster=cluster, by=request.user, title=form.cleaned_data["title"]
        )
        messages.success(request, "Kopien er oprettet som kladde. Her kan du ændre spørgsmålene.")
        return redirect("surveys:detail", slug=cluster.slug, survey_id=copy.pk)
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": "Kopiér spørgeskemaet",
            "intro": "Kopien får de samme spørgsmål, men ingen modtagere og ingen svar.",
            "submit_label": "Kopiér",
            "cancel_url": reverse("surveys:detail", args=[cluster.slug, survey.pk]),
        },
        status=form_status(form),
    )


@require_POST
@cluster_view("surveys.manage_surveys")
def survey_save_template(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    platform = request.POST.get("platform") == "1" and request.user.is_staff
    template = services.survey_copy(
        source=survey, cluster=None if platform else cluster, by=request.user, as_template=True
    )
    messages.success(
        request,
        "Skabelonen er gemt i "
        + ("platformens fælles bibliotek." if platform else "klyngens skabelonbibliotek."),
    )
    if platform:
        return redirect("surveys:library", slug=cluster.slug)
    return redirect("surveys:detail", slug=cluster.slug, survey_id=template.pk)


@require_POST
@cluster_view("surveys.manage_surveys")
def survey_delete(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    try:
        services.survey_delete(survey=survey)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)
    messages.success(request, "Spørgeskemaet er slettet.")
    return redirect("surveys:list", slug=cluster.slug)


@require_POST
@cluster_view("surveys.manage_surveys")
def survey_agenda(request, cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    url = reverse("surveys:results", args=[cluster.slug, survey.pk])
    try:
        services.survey_put_on_agenda(survey=survey, results_url=url, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, f"Spørgeskemaet er sat på dagsordenen for {survey.meeting.display_name}.")
    return redirect("surveys:detail", slug=cluster.slug, survey_id=survey.pk)


@cluster_view("surveys.manage_surveys")
def library(request, cluster):
    templates = list(selectors.template_library(cluster=cluster).prefetch_related("questions"))
    return render(
        request,
        "surveys/library.html",
        {
            "platform_templates": [t for t in templates if t.cluster_id is None],
            "cluster_templates": [t for t in templates if t.cluster_id == cluster.pk],
        },
    )


@require_POST
@cluster_view("surveys.manage_surveys")
def library_use(request, cluster, survey_id):
    template = selectors.template_get(cluster=cluster, survey_id=survey_id)
    copy = services.survey_copy(source=template, cluster=cluster, by=request.user)
    messages.success(request, f"Spørgeskemaet er oprettet ud fra skabelonen »{template.title}«.")
    return redirect("surveys:detail", slug=cluster.slug, survey_id=copy.pk)


# Answering -----------------------------------------------------------------------------------------


def _answer(request, survey, person, *, public_token: str | None = None):
    questions = selectors.survey_questions(survey=survey)
    context = {"survey": survey, "person": person, "public": public_token is not None}
    if selectors.has_answered(survey, person):
        return render(request, "surveys/answered.html", context)
    if not survey.is_open():
        context["closed"] = True
        return render(request, "surveys/answered.html", context)
    form = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.survey_answer(survey=survey, person=person, answers=form.answers())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if public_token:
                    return redirect("surveys:public_answer", token=public_token)
                return redirect("surveys:answer", slug=survey.cluster.slug, survey_id=survey.pk)
        status = 400
    context["form"] = form
    return render(request, "surveys/answer.html", context, status=status)


@cluster_view("surveys.view_surveys")
def survey_answer(request, cluster, survey_id):
    survey = selectors.cluster_surveys(cluster=cluster).filter(pk=survey_id).first()
    if survey is None:
        raise Http404("Spørgeskemaet findes ikke i klyngen")
    if not survey.invitations.filter(person=request.user).exists():
        raise Http404("Du er ikke blandt modtagerne")
    return _answer(request, survey, request.user)


def public_answer(request, token):
    """Answering from the personal link in the mail, without logging in."""
    invitation = services.invitation_from_token(token)
    if invitation is None:
        return render(request, "surveys/bad_link.html", status=404)
    return _answer(request, invitation.survey, invitation.person, public_token=token)


# Results -------------------------------------------------------------------------------------------


def _results_context(request, cluster, survey, *, large=False):
    results = selectors.survey_results(survey=survey)
    for result in results.questions:
        result.chart = charts.question_chart(result, large=large) if results.visible else None
        result.spec_id = f"spec-{result.question.pk}"
    return {
        "survey": survey,
        "results": results,
        "rate": selectors.response_rate(survey=survey),
        "can_manage": request.user.has_perm("surveys.manage_surveys", cluster),
        "today": timezone.localdate(),
    }


def _sent_survey(cluster, survey_id):
    survey = selectors.cluster_survey_get(cluster=cluster, survey_id=survey_id)
    if survey.is_template or survey.status != SurveyStatus.SENT:
        raise Http404("Spørgeskemaet er ikke sendt ud")
    return survey


@cluster_view("surveys.view_results")
def survey_results(request, cluster, survey_id):
    survey = _sent_survey(cluster, survey_id)
    return render(request, "surveys/results.html", _results_context(request, cluster, survey))


@cluster_view("surveys.view_results")
def survey_present(request, cluster, survey_id):
    survey = _sent_survey(cluster, survey_id)
    return render(request, "surveys/present.html", _results_context(request, cluster, survey, large=True))


def _hidden_export(survey):
    return HttpResponse(
        f"Resultaterne vises først, når mindst {survey.min_responses} har svaret.",
        status=403,
        content_type="text/plain; charset=utf-8",
    )


@cluster_view("surveys.manage_surveys")
def export_csv(request, cluster, survey_id):
    survey = _sent_survey(cluster, survey_id)
    results = selectors.survey_results(survey=survey)
    if not results.visible:
        return _hidden_export(survey)
    response = HttpResponse(
        exports.results_csv(survey=survey, results=results), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="spoergeskema-{survey.pk}.csv"'
    return response


@cluster_view("surveys.manage_surveys")
def export_xlsx(request, cluster, survey_id):
    survey = _sent_survey(cluster, survey_id)
    results = selectors.survey_results(survey=survey)
    if not results.visible:
        return _hidden_export(survey)
    response = HttpResponse(
        exports.results_xlsx(survey=survey, results=results),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="spoergeskema-{survey.pk}.xlsx"'
    return response
