"""Motions, polls, ballots, decisions and charter documents.

Secret ballots are secret in the database: a secret vote is kept only as one more in its option's
`BallotCount` (no ballot row, no person, no time, nothing in any row's order or key), and `Turnout`
says who voted (not how). Both are written in one transaction under a lock on the poll. Named votes
of an open poll are `Ballot` rows with voter and time. See docs/secret-ballots.md.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from klynge.core import dates
from klynge.core.models import Cluster, Majority, Person
from klynge.meetings.models import AgendaItem, Meeting

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ALLOWED_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class MotionStatus(models.TextChoices):
    RECEIVED = "received", _("Modtaget")
    ON_AGENDA = "on_agenda", _("På dagsordenen")
    WITHDRAWN = "withdrawn", _("Trukket tilbage")


class Motion(models.Model):
    """A proposal (forslag) for a general assembly."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="motions")
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("generalforsamling"), on_delete=models.CASCADE, related_name="motions"
    )
    submitter = models.ForeignKey(
        Person, verbose_name=_("forslagsstiller"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_board = models.BooleanField(_("bestyrelsens forslag"), default=False)
    title = models.CharField(_("overskrift"), max_length=200)
    text = models.TextField(_("forslaget"))
    status = models.CharField(max_length=12, choices=MotionStatus.choices, default=MotionStatus.RECEIVED)
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="motions"
    )
    received_at = models.DateTimeField(_("modtaget"), default=timezone.now)

    class Meta:
        ordering = ["meeting", "received_at", "id"]

    def __str__(self) -> str:
        return self.title


def motion_upload_to(instance: MotionAttachment, filename: str) -> str:
    return f"forslag/{instance.motion.cluster_id}/{uuid.uuid4().hex}/{filename}"


class MotionAttachment(models.Model):
    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=motion_upload_to)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.filename


class PollKind(models.TextChoices):
    YES_NO = "yes_no", _("Ja / nej / undlader")
    SINGLE = "single", _("Ét af flere forslag")
    MULTI = "multi", _("Op til K af N (valg)")


class PollStatus(models.TextChoices):
    DRAFT = "draft", _("Kladde")
    OPEN = "open", _("Åben")
    CLOSED = "closed", _("Lukket")
    PUBLISHED = "published", _("Offentliggjort")


class EffectKind(models.TextChoices):
    NONE = "", _("Ingen")
    SUSPEND = "suspend", _("Sæt en praksis' deltagelse på hold")
    CHARTER = "charter", _("Vedtag ny version af et styrende dokument")
    OPEN_DATA = "open_data", _("Ændr klyngens indstilling for åbne data")


class AppliesIf(models.TextChoices):
    """When a poll's effect is carried out. A confidence vote (»Er der tillid til ...?«) puts a practice on
    hold when the question is answered no: its effect applies if the proposal is rejected."""

    ADOPTED = "adopted", _("Hvis forslaget vedtages")
    REJECTED = "rejected", _("Hvis forslaget forkastes (fx et spørgsmål om tillid)")


class Poll(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="polls")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("møde"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls",
    )
    motion = models.ForeignKey(
        Motion,
        verbose_name=_("forslag"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("dagsordenspunkt"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="polls",
    )
    question = models.CharField(_("spørgsmål"), max_length=300)
    description = models.TextField(_("baggrund"), blank=True)
    kind = models.CharField(_("type"), max_length=10, choices=PollKind.choices, default=PollKind.YES_NO)
    seats = models.PositiveSmallIntegerField(_("antal pladser (K)"), default=1)
    alternates = models.PositiveSmallIntegerField(_("antal suppleanter"), default=0)
    secret = models.BooleanField(_("hemmelig afstemning"), default=False)
    majority = models.CharField(_("flertal"), max_length=20, choices=Majority.choices)
    status = models.CharField(max_length=10, choices=PollStatus.choices, default=PollStatus.DRAFT)
    closes_at = models.DateTimeField(_("lukker"), null=True, blank=True)
    # The effect the decision carries out when adopted: {"kind": ..., ...}; frozen when the poll opens.
    effect = models.JSONField(default=dict, blank=True)
    # Frozen when the poll opens.
    members_total = models.PositiveIntegerField(null=True, editable=False)
    electorate_size = models.PositiveIntegerField(null=True, editable=False)
    quorum_percent = models.PositiveSmallIntegerField(null=True, editable=False)
    chair_has_casting_vote = models.BooleanField(default=False, editable=False)
    opened_at = models.DateTimeField(null=True, editable=False)
    closed_at = models.DateTimeField(null=True, editable=False)
    casting_vote = models.CharField(max_length=64, blank=True, editable=False)
    # A vote held before the cluster used Klynge (or on paper), recorded with its counts afterwards:
    # no ballots and no turnout rows exist, only the counts in the decision.
    recorded_afterwards = models.BooleanField(_("registreret efterfølgende"), default=False, editable=False)
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.question

    @property
    def applies_if(self) -> str:
        return (self.effect or {}).get("applies_if") or AppliesIf.ADOPTED

    @property
    def is_confidence_vote(self) -> bool:
        """»Er der tillid til ...?«: a hold that follows a no."""
        effect = self.effect or {}
        return effect.get("kind") == EffectKind.SUSPEND and self.applies_if == AppliesIf.REJECTED

    @property
    def is_open(self) -> bool:
        return self.status == PollStatus.OPEN

    @property
    def is_finished(self) -> bool:
        return self.status in (PollStatus.CLOSED, PollStatus.PUBLISHED)


class PollOption(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("valgmulighed"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    # yes/no polls: "yes", "no", "abstain"
    code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label


class Proxy(models.Model):
    """A fuldmagt: `giver` lets `holder` vote for them at a meeting (or in one poll outside a meeting)."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="proxies")
    meeting = models.ForeignKey(Meeting, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, null=True, blank=True, on_delete=models.CASCADE, related_name="proxies")
    giver = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "giver"], name="one_proxy_per_giver_meeting"),
            models.UniqueConstraint(fields=["poll", "giver"], name="one_proxy_per_giver_poll"),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.holder}"


class Entitlement(models.Model):
    """The electorate, frozen when the poll opens: one row per vote, with the proxy holder if any."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="entitlements")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    holder = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="one_entitlement_per_person")]

    def __str__(self) -> str:
        return f"Stemmeret i afstemning {self.poll_id}"


class Turnout(models.Model):
    """Who has voted (not how). No ballot, no time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="turnout")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    cast_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "person"], name="one_vote_per_person")]

    def __str__(self) -> str:
        return f"Har stemt i afstemning {self.poll_id}"


class Ballot(models.Model):
    """One named vote in an open (not secret) poll: who voted what, who cast it, when.

    Secret polls keep no ballots (see BallotCount); the columns are nullable only for history.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Stemmeseddel i afstemning {self.poll_id}"


class BallotChoice(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return "Valg på stemmeseddel"


class BallotCount(models.Model):
    """The running count of one option of a secret poll (`option` empty: blank votes).

    A secret vote adds one here, in the transaction that writes its turnout row. No row is ever
    created for a vote, so a copy of the database holds nothing per vote: no key, no row order, no
    neighbour that follows the order of voting. The rows are made when the poll opens and written
    anew when it closes (see services.poll_close and docs/secret-ballots.md).
    """

    holds_secrets = True

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballot_counts")
    option = models.ForeignKey(PollOption, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "option"], name="one_count_per_option")]

    def __str__(self) -> str:
        return f"Optælling i afstemning {self.poll_id}"


class Decision(models.Model):
    """An entry in the cluster's decision register."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="decisions")
    poll = models.OneToOneField(
        Poll, null=True, blank=True, on_delete=models.SET_NULL, related_name="decision"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    decided_on = models.DateField(_("dato"))
    # Numbered per cluster and year in the order the decisions are written: 1, 2, 3 ... each January.
    number = models.PositiveIntegerField(_("nummer"), null=True, editable=False)
    question = models.CharField(_("spørgsmål"), max_length=300)
    result = models.TextField(_("resultat"))
    adopted = models.BooleanField(_("vedtaget"), default=False)
    effect = models.TextField(_("virkning"), blank=True)
    # Copied from the poll when the decision is written, so that the register reads on its own.
    effect_kind = models.CharField(max_length=20, blank=True, editable=False)
    effect_applies_if = models.CharField(max_length=10, blank=True, editable=False)
    effect_applied = models.BooleanField(default=False, editable=False)
    secret = models.BooleanField(_("hemmelig afstemning"), default=False, editable=False)
    recorded_afterwards = models.BooleanField(_("registreret efterfølgende"), default=False, editable=False)
    counts = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return f"{self.decided_on}: {self.question}"

    @property
    def reference(self) -> str:
        return f"Beslutning nr. {self.number or self.pk} af {dates.short_date(self.decided_on)}"

    @property
    def is_confidence_vote(self) -> bool:
        return self.effect_kind == EffectKind.SUSPEND and self.effect_applies_if == AppliesIf.REJECTED

    @property
    def outcome_label(self) -> str:
        """»Vedtaget«, or for a confidence vote what the assembly said: »Der var (ikke) tillid«."""
        if self.is_confidence_vote:
            if self.adopted:
                return "Der var tillid"
            return "Der var ikke tillid" if self.effect_applied else "Intet flertal for mistillid"
        return "Vedtaget" if self.adopted else "Ikke vedtaget"


class CharterKind(models.TextChoices):
    VALUES = "values", _("Værdier, regler og mål")
    STATUTES = "statutes", _("Vedtægter")


class CharterVersion(models.Model):
    """One adopted version of a charter document; all versions are kept."""

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="charter_versions")
    kind = models.CharField(_("dokument"), max_length=10, choices=CharterKind.choices)
    number = models.PositiveIntegerField()
    text = models.TextField(_("tekst"))
    adopted_on = models.DateField(_("vedtaget"))
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="charter_versions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "kind", "number"], name="unique_charter_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.number}"
