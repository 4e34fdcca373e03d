"""Idea rounds (workshop), ideas, dots and sign-ups; projects, their versions, states and rotation."""

from __future__ import annotations

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klynge.core.models import Cluster, Person
from klynge.meetings.models import Meeting

# Letters and digits that cannot be mistaken for each other on a projector.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_round_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Åben")
    CLOSED = "closed", _("Lukket")


class IdeaRound(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="idea_rounds")
    title = models.CharField(_("titel"), max_length=200)
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="idea_rounds",
    )
    code = models.CharField(_("kode"), max_length=8, unique=True, default=new_round_code)
    status = models.CharField(
        _("status"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    dots_per_member = models.PositiveSmallIntegerField(_("prikker pr. medlem"), default=3)
    allow_stacking = models.BooleanField(_("flere prikker på samme idé"), default=True)
    group_limit = models.PositiveSmallIntegerField(
        _("højst antal i hver interessegruppe"), null=True, blank=True
    )
    # The ranked list written when the round closes: [{"idea_id", "title", "dots", ...}]
    ranking = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class Idea(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="ideas")
    round = models.ForeignKey(IdeaRound, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("kort beskrivelse"), max_length=1000, blank=True)
    why_it_matters = models.TextField(_("hvorfor det betyder noget i hverdagen"), max_length=1000, blank=True)
    submitted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="submitted_ideas"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class Dot(models.Model):
    round = models.ForeignKey(IdeaRound, on_delete=models.CASCADE, related_name="dots")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="dots")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["round", "person"])]

    def __str__(self) -> str:
        return f"{self.person} → {self.idea}"


class GroupSignup(models.Model):
    round = models.ForeignKey(IdeaRound, on_delete=models.CASCADE, related_name="signups")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="signups")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["idea", "person"], name="unique_group_signup")]

    def __str__(self) -> str:
        return f"{self.person} i {self.idea}"


class ProjectStatus(models.TextChoices):
    IDEA = "ide", _("Idé")
    DESCRIPTION = "beskrivelse", _("Beskrivelse")
    READY = "klar", _("Klar til godkendelse")
    APPROVED = "godkendt", _("Godkendt")
    PLANNED = "planlagt", _("Planlagt")
    HELD = "gennemfoert", _("Gennemført på møde")
    REVISIT_DUE = "genbesoeg_forfalden", _("Genbesøg forfalden")
    REVISITED = "genbesoegt", _("Genbesøgt")
    CLOSED = "afsluttet", _("Afsluttet")
    PARKED = "parkeret", _("Parkeret")
    REJECTED = "afvist", _("Afvist")


# Statuses in which a project counts as taken up by the cluster.
TAKEN_UP = frozenset(
    {ProjectStatus.HELD, ProjectStatus.REVISIT_DUE, ProjectStatus.REVISITED, ProjectStatus.CLOSED}
)
ACTIVE = frozenset(
    {
        ProjectStatus.IDEA,
        ProjectStatus.DESCRIPTION,
        ProjectStatus.READY,
        ProjectStatus.APPROVED,
        ProjectStatus.PLANNED,
        ProjectStatus.REVISIT_DUE,
    }
)

# The fields of the description template, in the order of the template.
TEMPLATE_FIELDS = [
    "title",
    "cluster_package",
    "background",
    "purpose",
    "goals",
    "target_population",
    "indicators",
    "indicator_codes",
    "data_source",
    "baseline",
    "planned_changes",
    "pdsa_cycles",
    "partners",
    "meetings_text",
    "time_plan",
    "plan_months",
    "budget",
    "questionnaires",
    "evaluation",
    "revisit_date",
    "lessons_learnt",
]


class Project(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="projects")
    round = models.ForeignKey(
        IdeaRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    idea = models.OneToOneField(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="project"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=ProjectStatus.choices, default=ProjectStatus.IDEA
    )
    rank = models.PositiveSmallIntegerField(_("placering i idérunden"), null=True, blank=True)
    board_contact = models.ForeignKey(
        Person,
        verbose_name=_("kontakt i bestyrelsen"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="board_contact_projects",
    )
    ready_from = models.DateField(
        _("klar til at blive taget op fra"),
        null=True,
        blank=True,
        help_text=_("Tidligste dato, gruppen kan have mødet klar."),
    )

    # The template (skabelon).
    title = models.CharField(_("titel"), max_length=200)
    cluster_package = models.ForeignKey(
        "meetings.ClusterPackage",
        verbose_name=_("klyngepakke, projektet bygger på"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    background = models.TextField(_("baggrund og observeret variation"), blank=True)
    purpose = models.TextField(_("formål (én sætning)"), blank=True)
    goals = models.TextField(
        _("målbare mål"), blank=True, help_text=_("Ét mål pr. linje, med målværdi og dato.")
    )
    target_population = models.TextField(_("målgruppe"), blank=True)
    indicators = models.TextField(
        _("indikatorer"), blank=True, help_text=_("Én indikator pr. linje: tæller, nævner og periode.")
    )
    indicator_codes = models.JSONField(_("indikatorkoder"), default=list, blank=True)
    data_source = models.TextField(_("datakilde"), blank=True)
    baseline = models.TextField(_("udgangspunkt (baseline)"), blank=True)
    planned_changes = models.TextField(_("planlagte ændringer"), blank=True)
    pdsa_cycles = models.TextField(_("PDSA-cyklusser"), blank=True)
    partners = models.TextField(
        _("samarbejdspartnere"), blank=True, help_text=_("Én pr. linje, fx kommune, hospital, apotek.")
    )
    meetings_text = models.TextField(_("møder, hvor projektet tages op"), blank=True)
    time_plan = models.TextField(_("tidsplan og milepæle"), blank=True)
    plan_months = models.PositiveSmallIntegerField(
        _("tidsplanens længde i måneder før genbesøget"), null=True, blank=True
    )
    budget = models.TextField(_("budget"), blank=True)
    questionnaires = models.TextField(_("spørgeskemaer"), blank=True)
    evaluation = models.TextField(_("evaluering"), blank=True)
    revisit_date = models.DateField(_("dato for genbesøg"), null=True, blank=True)
    lessons_learnt = models.TextField(_("erfaringer"), blank=True)

    # Rotation and revisit.
    taken_up_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="taken_up_projects"
    )
    revisit_reminded_on = models.DateField(null=True, blank=True)
    followup_meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="followup_projects"
    )
    followup_agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rank", "created_at", "id"]

    def __str__(self) -> str:
        return self.title


class ProjectMember(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="project_memberships")
    is_lead = models.BooleanField(_("tovholder"), default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_lead", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"], name="unique_project_member"),
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_lead=True), name="one_lead_per_project"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} i {self.project}"


class ProjectVersion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    data = models.JSONField()
    saved_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="unique_project_version")]

    def __str__(self) -> str:
        return f"{self.project} v{self.number}"


class ProjectTransition(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=24, choices=ProjectStatus.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=ProjectStatus.choices)
    by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project}: {self.from_status} → {self.to_status}"


class ProjectSettings(models.Model):
    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, related_name="project_settings")
    meeting_capacity = models.PositiveSmallIntegerField(_("hovedprojekter pr. klyngemøde"), default=1)
    reminder_months = models.PositiveSmallIntegerField(_("påmindelse om genbesøg (måneder før)"), default=2)
    horizon_months = models.PositiveSmallIntegerField(_("planlægningshorisont (måneder)"), default=24)

    def __str__(self) -> str:
        return f"Indstillinger for {self.cluster}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Udkast")
    PUBLISHED = "published", _("Offentliggjort")
    SUPERSEDED = "superseded", _("Erstattet")


class RotationPlan(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="rotation_plans")
    status = models.CharField(max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Projects the proposal could not place, with the reason: [{"project_id", "reason"}]
    unplaced = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Plan {self.pk} ({self.status})"


class RotationSlot(models.Model):
    plan = models.ForeignKey(RotationPlan, on_delete=models.CASCADE, related_name="slots")
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rotation_slots")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rotation_slots")
    revisit_date = models.DateField(_("dato for genbesøg"))
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["meeting__starts_at", "project__rank", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "project"], name="unique_plan_project")]

    def __str__(self) -> str:
        return f"{self.project} på {self.meeting}"
