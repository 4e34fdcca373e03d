"""Holds "until the next general assembly" follow the general assemblies as they are planned and held."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from klynge.meetings.models import Meeting, MeetingKind

from .services import suspensions_sync


def _sync(meeting: Meeting) -> None:
    """Runs in the same transaction as the change of the meeting, so both stand or fall together."""
    suspensions_sync(cluster=meeting.cluster)


@receiver(post_save, sender=Meeting, dispatch_uid="decisions_meeting_saved")
def meeting_saved(sender, instance: Meeting, **kwargs) -> None:
    # A meeting may have stopped being a general assembly, so any change of a meeting re-syncs.
    if instance.kind == MeetingKind.GENERAL_ASSEMBLY or not kwargs.get("created"):
        _sync(instance)


@receiver(post_delete, sender=Meeting, dispatch_uid="decisions_meeting_deleted")
def meeting_deleted(sender, instance: Meeting, **kwargs) -> None:
    if instance.kind == MeetingKind.GENERAL_ASSEMBLY:
        _sync(instance)
