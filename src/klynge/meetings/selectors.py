"""Reads of meetings, always from a cluster."""

import datetime as dt

from django.http import Http404

from klynge.core.models import Cluster, Person

from .models import Meeting, MeetingKind, MeetingStatus


def cluster_meeting_get(*, cluster: Cluster, meeting_id: int) -> Meeting:
    try:
        return cluster.meetings.get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("Mødet findes ikke i klyngen")


def cluster_meetings(*, cluster: Cluster, year: int | None = None):
    meetings = cluster.meetings.all()
    if year is not None:
        meetings = meetings.filter(starts_at__year=year)
    return meetings.order_by("starts_at")


def next_general_assembly(*, cluster: Cluster, after: dt.datetime) -> Meeting | None:
    """The first general assembly, not cancelled, that starts after the moment given."""
    return (
        cluster.meetings.filter(kind=MeetingKind.GENERAL_ASSEMBLY, starts_at__gt=after)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


def meeting_checked_in(*, meeting: Meeting) -> list[Person]:
    return [a.person for a in meeting.attendances.select_related("person__practice").order_by("person__name")]


def is_checked_in(*, meeting: Meeting, person: Person) -> bool:
    return meeting.attendances.filter(person=person).exists()
