"""Meetings of a cluster and who attended them."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from klynge.core.models import Cluster, Person


class MeetingKind(models.TextChoices):
    GENERAL_ASSEMBLY = "generalforsamling", _("Generalforsamling")
    CLUSTER_MEETING = "klyngemoede", _("Klyngemøde")
    BOARD_MEETING = "bestyrelsesmoede", _("Bestyrelsesmøde")
    RETREAT = "internat", _("Internat")
    WORKSHOP = "workshop", _("Workshop")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planlagt")
    HELD = "held", _("Afholdt")
    CANCELLED = "cancelled", _("Aflyst")


class Meeting(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("type"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("titel"), max_length=200)
    theme = models.CharField(_("tema"), max_length=300, blank=True)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("slut"))
    venue_name = models.CharField(_("sted"), max_length=200)
    venue_address = models.CharField(_("adresse"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    description = models.TextField(_("beskrivelse"), blank=True)
    # Calendar identity: the UID never changes, SEQUENCE rises with each change sent out.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["cluster", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_at:%d/%m %Y})"


class Attendance(models.Model):
    """A person checked in at a meeting (at the meeting or registered afterwards)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="attendances")
    checked_in_at = models.DateTimeField(auto_now_add=True)
    checked_in_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="unique_attendance")]

    def __str__(self) -> str:
        return f"{self.person} @ {self.meeting}"
