"""Writes to meetings. One transaction each; keyword-only arguments."""

import datetime as dt

from django.db import transaction

from klynge.core.models import Cluster, Person
from klynge.core.services import ServiceError

from .models import Attendance, Meeting, MeetingStatus


@transaction.atomic
def meeting_create(
    *,
    cluster: Cluster,
    kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    venue_name: str,
    venue_address: str = "",
    theme: str = "",
    description: str = "",
    status: str = MeetingStatus.PLANNED,
    by: Person | None = None,
) -> Meeting:
    if ends_at <= starts_at:
        raise ServiceError({"ends_at": "Mødet skal slutte efter, det begynder."})
    if not (venue_name or "").strip():
        raise ServiceError({"venue_name": "Skriv, hvor mødet holdes."})
    meeting = Meeting(
        cluster=cluster,
        kind=kind,
        title=title.strip(),
        theme=theme,
        starts_at=starts_at,
        ends_at=ends_at,
        venue_name=venue_name.strip(),
        venue_address=venue_address,
        description=description,
        status=status,
    )
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def attendance_check_in(*, meeting: Meeting, person: Person, by: Person | None = None) -> Attendance:
    attendance, _ = Attendance.objects.get_or_create(
        meeting=meeting, person=person, defaults={"checked_in_by": by}
    )
    return attendance


@transaction.atomic
def attendance_check_out(*, meeting: Meeting, person: Person) -> None:
    Attendance.objects.filter(meeting=meeting, person=person).delete()
