"""Questionnaires (spørgeskemaer): questions, who was asked, who has answered, and the answers.

Anonymity lives in the tables, not only on the screen: for an anonymous questionnaire a `Response`
has no person, no practice and no date, and its primary key (and its answers' keys) are random
UUIDs, drawn anew with every answer that comes in, so neither a column, a key nor the order of the
rows ties it to a person (docs/secret-ballots.md). That a person (or a
practice) has answered is kept in `Participation`, which has no link to the response. Both are
written in one transaction under a lock on the survey row.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klynge.core.models import Cluster, Person, Practice
from klynge.meetings.models import Meeting


class Audience(models.TextChoices):
    MEMBERS = "members", _("Alle aktive medlemmer")
    ROLES = "roles", _("Udvalgte roller")
    PRACTICES = "practices", _("Ét svar pr. praksis")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    SENT = "sent", _("Udsendt")


class Survey(models.Model):
    """A questionnaire of a cluster, or a template (cluster None: the platform's own library)."""

    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    is_template = models.BooleanField(_("skabelon"), default=False)
    title = models.CharField(_("titel"), max_length=200)
    intro = models.TextField(_("indledning"), blank=True, help_text=_("Vises øverst i spørgeskemaet."))
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="surveys",
    )
    anonymous = models.BooleanField(
        _("anonyme svar"),
        default=True,
        help_text=_("Svarene gemmes uden forbindelse til personen. Kan ikke ændres, når der er svar."),
    )
    min_responses = models.PositiveSmallIntegerField(_("mindste antal svar før resultater vises"), default=3)
    audience = models.CharField(
        _("modtagere"), max_length=12, choices=Audience.choices, default=Audience.MEMBERS
    )
    roles = models.JSONField(_("roller"), default=list, blank=True)
    opens_on = models.DateField(_("åbner"), null=True, blank=True)
    closes_on = models.DateField(_("lukker (sidste svardag)"), null=True, blank=True)
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A questionnaire sent before the cluster used Klynge (or outside it) is recorded afterwards: its real
    # send date and how many answered, with who recorded it and when. Recorded answers are a count only.
    recorded_answers = models.PositiveIntegerField(
        _("antal svar (registreret efterfølgende)"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spørgeskema")
        verbose_name_plural = _("spørgeskemaer")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_template=True) | Q(cluster__isnull=False),
                name="survey_has_cluster_or_is_template",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.status == SurveyStatus.SENT
            and (self.opens_on is None or self.opens_on <= day)
            and (self.closes_on is None or day <= self.closes_on)
        )

    def phase(self, day: dt.date | None = None) -> str:
        day = day or timezone.localdate()
        if self.is_template:
            return "Skabelon"
        if self.status == SurveyStatus.DRAFT:
            return "Kladde"
        if self.opens_on and day < self.opens_on:
            return "Udsendt, åbner senere"
        if self.closes_on and day > self.closes_on:
            return "Lukket"
        return "Åben"


class QuestionKind(models.TextChoices):
    SECTION = "section", _("Afsnit (overskrift)")
    SINGLE = "single", _("Ét valg")
    MULTIPLE = "multiple", _("Flere valg")
    SCALE = "scale", _("Skala 1-5")
    NUMBER = "number", _("Tal")
    YES_NO = "yesno", _("Ja/nej")
    TEXT = "text", _("Fritekst")


CHOICE_KINDS = frozenset({QuestionKind.SINGLE, QuestionKind.MULTIPLE})


class Question(models.Model):
    """A question, or a section heading (kind 'section') that starts a new part of the form."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(_("type"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("spørgsmål"), max_length=500)
    help_text = models.TextField(_("hjælpetekst"), blank=True)
    required = models.BooleanField(_("skal besvares"), default=False)
    options = models.JSONField(_("svarmuligheder"), default=list, blank=True)
    scale_min_label = models.CharField(_("tekst ved 1"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("tekst ved 5"), max_length=100, blank=True)

    class Meta:
        ordering = ["survey", "position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_section(self) -> bool:
        return self.kind == QuestionKind.SECTION

    @property
    def field_name(self) -> str:
        return f"q{self.pk}"


class Invitation(models.Model):
    """A person asked to answer; a link to the survey, never to an answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="survey_invitations")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["survey", "person"], name="unique_survey_invitation")]

    def __str__(self) -> str:
        return f"{self.person} → {self.survey}"


class Participation(models.Model):
    """That a person (or, for one answer per practice, a practice) has answered; no link to the answer."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                condition=Q(practice__isnull=True),
                name="one_participation_per_person",
            ),
            models.UniqueConstraint(
                fields=["survey", "practice"],
                condition=Q(practice__isnull=False),
                name="one_participation_per_practice",
            ),
        ]

    def __str__(self) -> str:
        return f"Har svaret: {self.survey}"


class Response(models.Model):
    """One filled-in questionnaire. Anonymous: no person, no practice, no date, and a random key that
    is replaced by a new one whenever another answer comes in (services._store_anonymously)."""

    holds_secrets = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    practice = models.ForeignKey(Practice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submitted_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Besvarelse af {self.survey}"


class Answer(models.Model):
    """The answer to one question. `value`: option index, list of indexes, 1-5, number, bool or text."""

    holds_secrets = True

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"Svar på {self.question}"
