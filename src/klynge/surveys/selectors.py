"""Reads of questionnaires, always from a cluster, and their results."""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404

from klynge.core.models import Cluster, Person

from .models import Answer, Audience, Question, QuestionKind, Survey, SurveyStatus


def cluster_surveys(*, cluster: Cluster, include_drafts: bool = False) -> QuerySet[Survey]:
    surveys = Survey.objects.filter(cluster=cluster, is_template=False).select_related("meeting")
    if not include_drafts:
        surveys = surveys.filter(status=SurveyStatus.SENT)
    return surveys.order_by("-opens_on", "-created_at")


def cluster_survey_get(*, cluster: Cluster, survey_id: int) -> Survey:
    """A questionnaire or template of this cluster, or 404."""
    try:
        return Survey.objects.select_related("meeting", "cluster").get(pk=survey_id, cluster=cluster)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise Http404("Spørgeskemaet findes ikke i klyngen")


def template_library(*, cluster: Cluster) -> QuerySet[Survey]:
    """Templates a cluster may copy from: the platform's own and the cluster's."""
    return (
        Survey.objects.filter(is_template=True)
        .filter(Q(cluster__isnull=True) | Q(cluster=cluster))
        .order_by("cluster", "title")
    )


def template_get(*, cluster: Cluster, survey_id: int) -> Survey:
    try:
        return template_library(cluster=cluster).get(pk=survey_id)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise Http404("Skabelonen findes ikke")


def survey_question_get(*, survey: Survey, question_id: int) -> Question:
    try:
        return survey.questions.get(pk=question_id)
    except (Question.DoesNotExist, ValueError, TypeError):
        raise Http404("Spørgsmålet findes ikke")


def survey_questions(*, survey: Survey) -> list[Question]:
    questions = list(survey.questions.order_by("position", "id"))
    number = 0
    for question in questions:
        if not question.is_section:
            number += 1
            question.number = number
        question.has_answers = False
    answered = set(
        Answer.objects.filter(question__survey=survey).values_list("question_id", flat=True).distinct()
    )
    for question in questions:
        question.has_answers = question.pk in answered
    return questions


def has_answered(survey: Survey, person: Person) -> bool:
    if survey.audience == Audience.PRACTICES:
        return (
            person.practice_id is not None
            and survey.participations.filter(practice_id=person.practice_id).exists()
        )
    return survey.participations.filter(person=person, practice__isnull=True).exists()


def open_surveys_for(*, cluster: Cluster, person: Person) -> list[Survey]:
    """Open questionnaires the person was asked to answer and has not answered yet."""
    surveys = Survey.objects.filter(
        cluster=cluster, status=SurveyStatus.SENT, invitations__person=person
    ).distinct()
    return [s for s in surveys if s.is_open() and not has_answered(s, person)]


@dataclass
class Rate:
    answered: int
    asked: int
    unit: str

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.asked) if self.asked else 0


def asked_count(*, survey: Survey) -> int:
    """How many the questionnaire was sent to: practices for one answer per practice, else people."""
    if survey.audience == Audience.PRACTICES:
        return survey.invitations.exclude(practice=None).values("practice").distinct().count()
    return survey.invitations.count()


def response_rate(*, survey: Survey) -> Rate:
    """How many have answered out of how many asked."""
    answered = survey.participations.count() + (survey.recorded_answers or 0)
    unit = "praksis" if survey.audience == Audience.PRACTICES else "personer"
    return Rate(answered, asked_count(survey=survey), unit)


def results_visible(survey: Survey, count: int | None = None) -> bool:
    """Results of an anonymous questionnaire show only from the minimum number of answers."""
    if not survey.anonymous:
        return True
    if count is None:
        count = survey.responses.count()
    return count >= survey.min_responses


@dataclass
class QuestionResult:
    question: Question
    n: int = 0
    rows: list[tuple[str, int, float]] = field(default_factory=list)  # (label, count, share %)
    stats: dict[str, float | int] | None = None
    texts: list[str] = field(default_factory=list)
    denominator_note: str = ""


@dataclass
class Results:
    survey: Survey
    responses: int
    visible: bool
    questions: list[QuestionResult]


def _labels(question: Question) -> list[str]:
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return list(question.options)
    if question.kind == QuestionKind.SCALE:
        labels = [str(i) for i in range(1, 6)]
        if question.scale_min_label:
            labels[0] = f"1 – {question.scale_min_label}"
        if question.scale_max_label:
            labels[4] = f"5 – {question.scale_max_label}"
        return labels
    if question.kind == QuestionKind.YES_NO:
        return ["Ja", "Nej"]
    return []


def _index(question: Question, value) -> list[int]:
    if question.kind == QuestionKind.MULTIPLE:
        return list(value)
    if question.kind == QuestionKind.SCALE:
        return [int(value) - 1]
    if question.kind == QuestionKind.YES_NO:
        return [0 if value else 1]
    return [int(value)]


def _number_stats(values: list[float]) -> dict[str, float | int]:
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 2),
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def survey_results(*, survey: Survey) -> Results:
    """Counts and shares per question (share of those who answered the question), number statistics
    and free texts in random order; nothing when an anonymous survey is below its minimum."""
    responses = survey.responses.count()
    visible = results_visible(survey, responses)
    questions = [q for q in survey_questions(survey=survey) if not q.is_section]
    if not visible:
        return Results(survey, responses, False, [QuestionResult(q) for q in questions])
    values: dict[int, list] = {q.pk: [] for q in questions}
    for question_id, value in Answer.objects.filter(question__survey=survey).values_list(
        "question_id", "value"
    ):
        if question_id in values:
            values[question_id].append(value)
    results = []
    for question in questions:
        answers = values[question.pk]
        result = QuestionResult(question, n=len(answers))
        labels = _labels(question)
        if labels:
            counts = [0] * len(labels)
            for value in answers:
                for i in _index(question, value):
                    if 0 <= i < len(counts):
                        counts[i] += 1
            result.rows = [
                (label, count, round(100 * count / len(answers), 1) if answers else 0.0)
                for label, count in zip(labels, counts, strict=True)
            ]
            if question.kind == QuestionKind.MULTIPLE:
                result.denominator_note = "Flere svar muligt: andelene summer ikke til 100 %."
            if question.kind == QuestionKind.SCALE and answers:
                result.stats = _number_stats([float(v) for v in answers])
        elif question.kind == QuestionKind.NUMBER:
            numbers = [float(v) for v in answers]
            result.stats = _number_stats(numbers) if numbers else None
        elif question.kind == QuestionKind.TEXT:
            texts = [str(v) for v in answers]
            random.shuffle(texts)
            result.texts = texts
        results.append(result)
    return Results(survey, responses, True, results)


def response_rows(*, survey: Survey) -> tuple[list[str], list[list]]:
    """One row per response for export: (header, rows). Named surveys add who answered; anonymous
    rows come in random order."""
    questions = [q for q in survey_questions(survey=survey) if not q.is_section]
    header = ([] if survey.anonymous else ["Navn", "Praksis", "Dato"]) + [q.text for q in questions]
    responses = list(survey.responses.select_related("person", "practice").prefetch_related("answers"))
    if survey.anonymous:
        random.shuffle(responses)
    else:
        responses.sort(key=lambda r: (r.person.name if r.person else "", str(r.pk)))
    rows = []
    for response in responses:
        by_question = {a.question_id: a.value for a in response.answers.all()}
        row: list = []
        if not survey.anonymous:
            row += [
                response.person.name if response.person else "",
                response.practice.name if response.practice else "",
                response.submitted_on,
            ]
        for question in questions:
            row.append(display_value(question, by_question.get(question.pk)))
        rows.append(row)
    return header, rows


def display_value(question: Question, value):
    if value is None:
        return None
    labels = _labels(question)
    if question.kind == QuestionKind.MULTIPLE:
        return "; ".join(labels[i] for i in value if 0 <= i < len(labels))
    if question.kind == QuestionKind.SINGLE:
        return labels[value] if 0 <= value < len(labels) else None
    if question.kind == QuestionKind.YES_NO:
        return "Ja" if value else "Nej"
    return value
