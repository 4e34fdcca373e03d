"""The register: clusters, practices, people, memberships and roles."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klynge.core import dates

PROVIDER_NUMBER_VALIDATOR = RegexValidator(
    r"^\d{6}$", _("Et ydernummer består af præcis 6 cifre, fx 012345.")
)


class Region(models.TextChoices):
    HOVEDSTADEN = "hovedstaden", _("Region Hovedstaden")
    SJAELLAND = "sjaelland", _("Region Sjælland")
    SYDDANMARK = "syddanmark", _("Region Syddanmark")
    MIDTJYLLAND = "midtjylland", _("Region Midtjylland")
    NORDJYLLAND = "nordjylland", _("Region Nordjylland")


class Majority(models.TextChoices):
    SIMPLE = "simple", _("Simpelt flertal af afgivne stemmer")
    ABSOLUTE = "absolute", _("Absolut flertal af de stemmeberettigede")
    TWO_THIRDS = "two_thirds", _("Kvalificeret flertal (2/3 af afgivne stemmer)")


class Cluster(models.Model):
    name = models.CharField(_("navn"), max_length=200)
    slug = models.SlugField(_("kort navn i adressen"), max_length=60, unique=True)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    municipalities = models.CharField(
        _("kommuner"), max_length=300, blank=True, help_text=_("Adskil med komma.")
    )
    website = models.URLField(_("hjemmeside"), blank=True)
    founded = models.DateField(_("stiftet"), null=True, blank=True)
    # Statutes' defaults, used by meetings and decisions.
    default_majority = models.CharField(
        _("flertal efter vedtægterne"), max_length=20, choices=Majority.choices, default=Majority.SIMPLE
    )
    max_proxies_per_member = models.PositiveSmallIntegerField(
        _("fuldmagter pr. medlem"), default=1, help_text=_("0 betyder, at fuldmagt ikke er tilladt.")
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("beslutningsdygtighed (% af medlemmer til stede)"), default=0
    )
    chair_has_casting_vote = models.BooleanField(
        _("formandens stemme er afgørende ved stemmelighed"), default=False
    )
    general_assembly_notice_days = models.PositiveSmallIntegerField(
        _("indkaldelsesfrist til generalforsamling (dage)"), default=14
    )
    motion_deadline_days = models.PositiveSmallIntegerField(
        _("frist for forslag før generalforsamling (dage)"), default=7
    )
    require_two_factor_for_board = models.BooleanField(
        _("kræv totrinsbekræftelse for bestyrelse og koordinator"), default=False
    )
    open_data = models.BooleanField(_("åbne data i klyngen"), default=False)
    open_data_reason = models.TextField(_("begrundelse for åbne data"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("klynge")
        verbose_name_plural = _("klynger")

    def __str__(self) -> str:
        return self.name

    @property
    def municipality_list(self) -> list[str]:
        return [m.strip() for m in self.municipalities.split(",") if m.strip()]


class Practice(models.Model):
    """A practice is national (ydernummer is unique in Denmark); clusters hold it through a membership."""

    name = models.CharField(_("navn"), max_length=200)
    provider_number = models.CharField(
        _("ydernummer"), max_length=6, unique=True, validators=[PROVIDER_NUMBER_VALIDATOR]
    )
    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("by"), max_length=100, blank=True)
    listed_patients = models.PositiveIntegerField(_("tilmeldte patienter"), null=True, blank=True)
    listed_patients_date = models.DateField(_("opgjort pr."), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("praksis")
        verbose_name_plural = _("praksis")

    def __str__(self) -> str:
        return f"{self.name} ({self.provider_number})"


class PersonManager(BaseUserManager["Person"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> Person:
        if not email:
            raise ValueError("A person needs an e-mail address")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **fields) -> Person:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("name", email.split("@")[0])
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str) -> Person:
        return self.get(email__iexact=username)


class Title(models.TextChoices):
    GP = "praktiserende_laege", _("Praktiserende læge")
    EMPLOYED_DOCTOR = "ansat_laege", _("Ansat læge")
    TRAINEE = "uddannelseslaege", _("Uddannelseslæge")
    NURSE = "sygeplejerske", _("Sygeplejerske")
    SECRETARY = "sekretaer", _("Sekretær")
    OTHER = "anden", _("Anden")


class Person(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    name = models.CharField(_("navn"), max_length=200)
    title = models.CharField(_("titel"), max_length=30, choices=Title.choices, default=Title.OTHER)
    practice = models.ForeignKey(
        Practice,
        verbose_name=_("praksis"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
    )
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    language = models.CharField(
        _("sprog"), max_length=5, choices=[("da", "Dansk"), ("en", "English")], default="da"
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    is_staff = models.BooleanField(_("platformens personale"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # The subject of the person's OpenID Connect broker (MitID Erhverv), stored at the first broker login.
    oidc_subject = models.CharField(max_length=255, blank=True, db_index=True)

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("personer")

    def __str__(self) -> str:
        return self.name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("Aktiv")
    SUSPENDED = "suspended", _("Sat på hold")
    LEFT = "left", _("Udtrådt")


class Membership(models.Model):
    """A practice's membership of a cluster; its status lives in a dated history."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="memberships")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("indmeldt"), default=dt.date.today)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster", "practice"], name="unique_membership")]
        ordering = ["practice__name"]

    def __str__(self) -> str:
        return f"{self.practice} i {self.cluster}"


class MembershipPeriod(models.Model):
    """One stretch of a membership's history.

    A suspension ends on a date, or when the cluster's next general assembly is held
    (`until_next_general_assembly`; the decisions app closes it then). `decision_ref` names the
    decision that caused the change, so that the history stays readable on its own.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="periods")
    status = models.CharField(_("status"), max_length=12, choices=MembershipStatus.choices)
    starts_on = models.DateField(_("fra"))
    ends_on = models.DateField(_("til (ikke medregnet)"), null=True, blank=True)
    until_next_general_assembly = models.BooleanField(_("til næste generalforsamling"), default=False)
    reason = models.TextField(_("begrundelse"), blank=True)
    decision_ref = models.CharField(_("beslutning"), max_length=300, blank=True)
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["membership", "starts_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} fra {self.starts_on}"

    def covers(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day < self.ends_on)


class Role(models.TextChoices):
    CHAIR = "formand", _("Formand")
    VICE_CHAIR = "naestformand", _("Næstformand")
    TREASURER = "kasserer", _("Kasserer")
    BOARD_MEMBER = "bestyrelsesmedlem", _("Bestyrelsesmedlem")
    ALTERNATE = "suppleant", _("Suppleant")
    COORDINATOR = "klyngekoordinator", _("Klyngekoordinator")
    MEMBER = "medlem", _("Medlem")
    KIAP = "kiap_konsulent", _("KIAP-konsulent")
    PRACTICE_CONSULTANT = "praksiskonsulent", _("Praksiskonsulent")
    MUNICIPALITY = "kommune", _("Kommune")
    HOSPITAL = "hospital", _("Hospital")
    GUEST = "gaest", _("Gæst")


BOARD_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.TREASURER, Role.BOARD_MEMBER, Role.COORDINATOR})
# Alternates take part without a vote; the coordinator votes only if also a member.
VOTING_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.TREASURER, Role.BOARD_MEMBER, Role.MEMBER})
MEMBER_ROLES = BOARD_ROLES | {Role.MEMBER, Role.ALTERNATE}
# Advisers who read the cluster's pages but manage nothing.
ADVISER_ROLES = frozenset({Role.KIAP, Role.PRACTICE_CONSULTANT})
EXTERNAL_ROLES = frozenset(
    {Role.KIAP, Role.PRACTICE_CONSULTANT, Role.MUNICIPALITY, Role.HOSPITAL, Role.GUEST}
)


def current_on(day: dt.date, prefix: str = "") -> Q:
    """A role assignment that holds on the day (from `starts_on`, until the day before `ends_on`);
    `prefix` reaches the assignments from another model (`"role_assignments__"`)."""
    return Q(**{f"{prefix}starts_on__lte": day}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gt": day})
    )


class RoleAssignmentQuerySet(models.QuerySet):
    def current(self, day: dt.date | None = None) -> RoleAssignmentQuerySet:
        return self.filter(current_on(day or timezone.localdate()))


class RoleAssignment(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="role_assignments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("rolle"), max_length=30, choices=Role.choices)
    starts_on = models.DateField(_("fra"), default=dt.date.today)
    ends_on = models.DateField(_("til (ikke medregnet)"), null=True, blank=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "role", "person__name"]
        indexes = [models.Index(fields=["person", "cluster"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="role_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} ({self.cluster})"

    def clean(self) -> None:
        if self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": _("Slutdatoen skal ligge efter startdatoen.")})


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Venter")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Opgivet")


class OutboxMessage(models.Model):
    """Every e-mail goes through here; `klynge send-mail` delivers it with retries."""

    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # [{"filename": ..., "mimetype": ..., "content_b64": ...}]
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 digest is stored."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("navn"), max_length=100)
    prefix = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def new_secret() -> str:
        return "kl_" + secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()


class RateCounter(models.Model):
    """Uses of one rate-limited action by one subject (a hashed address or client) in one time window."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_key")]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key[:8]} {dates.stamp(self.window_start)}: {self.count}"


class AuditEvent(models.Model):
    """Who changed what in a cluster, and when. Written by klynge.core.audit for every model change."""

    class Action(models.TextChoices):
        CREATE = "create", _("Oprettet")
        UPDATE = "update", _("Ændret")
        DELETE = "delete", _("Slettet")

    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=10, choices=Action.choices)
    model = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["cluster", "-at"])]

    def __str__(self) -> str:
        return f"{dates.stamp(self.at)} {self.actor_name}: {self.action} {self.model} {self.object_repr}"
