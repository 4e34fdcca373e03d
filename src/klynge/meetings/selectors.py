"""Reads of meetings, always from a cluster."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from klynge.core import selectors as core_selectors
from klynge.core.models import MEMBER_ROLES, Cluster, MembershipStatus, Person, RoleAssignment

from .models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    ClusterPackage,
    Document,
    DocumentVersion,
    Invitation,
    Meeting,
    MeetingGuest,
    MeetingKind,
    MeetingNote,
    MeetingStatus,
    NoteKind,
)


def cluster_meeting_get(*, cluster: Cluster, meeting_id: int) -> Meeting:
    try:
        return cluster.meetings.select_related("package", "cluster").get(pk=meeting_id)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("Mødet findes ikke i klyngen")


def cluster_meetings(*, cluster: Cluster, year: int | None = None):
    meetings = cluster.meetings.all()
    if year is not None:
        meetings = meetings.filter(starts_at__year=year)
    return meetings.order_by("starts_at")


def year_plan(*, cluster: Cluster, year: int):
    """The year's meetings with counts, in a fixed number of queries."""
    return (
        cluster_meetings(cluster=cluster, year=year)
        .select_related("package")
        .annotate(
            agenda_count=Count("agenda_items", distinct=True),
            attendance_count=Count("attendances", distinct=True),
            yes_count=Count("invitations", filter=Q(invitations__answer="kommer"), distinct=True),
        )
    )


def meeting_years(*, cluster: Cluster) -> list[int]:
    years = {d.year for d in cluster.meetings.dates("starts_at", "year")}
    years.add(timezone.localdate().year)
    return sorted(years)


def next_general_assembly(*, cluster: Cluster, after: dt.datetime) -> Meeting | None:
    """The first general assembly, not cancelled, that starts after the moment given."""
    return (
        cluster.meetings.filter(kind=MeetingKind.GENERAL_ASSEMBLY, starts_at__gt=after)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )


def upcoming_meetings_for(
    *, cluster: Cluster, person: Person, board: bool = False, limit: int = 3
) -> list[Meeting]:
    """The person's coming meetings (or the one going on now): not cancelled; board meetings only for
    the board or those invited to them."""
    meetings = cluster.meetings.filter(ends_at__gte=timezone.now()).exclude(status=MeetingStatus.CANCELLED)
    if not board:
        meetings = meetings.filter(~Q(kind=MeetingKind.BOARD_MEETING) | Q(invitations__person=person))
    return list(meetings.select_related("cluster").distinct().order_by("starts_at")[:limit])


def invitations_of(*, person: Person, meetings: list[Meeting]) -> dict[int, Invitation]:
    """The person's invitations to the meetings given, by meeting id (one query)."""
    if not meetings or not getattr(person, "is_authenticated", False):
        return {}
    return {i.meeting_id: i for i in Invitation.objects.filter(person=person, meeting__in=meetings)}


def meeting_checked_in(*, meeting: Meeting) -> list[Person]:
    return [a.person for a in meeting.attendances.select_related("person__practice").order_by("person__name")]


def is_checked_in(*, meeting: Meeting, person: Person) -> bool:
    return meeting.attendances.filter(person=person).exists()


def meeting_agenda(*, meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.select_related("responsible").order_by("position", "id"))


def cluster_agenda_item(*, cluster: Cluster, item_id) -> AgendaItem | None:
    """An agenda item of any of the cluster's meetings, with its meeting; None when there is none."""
    return AgendaItem.objects.filter(meeting__cluster=cluster, pk=item_id).select_related("meeting").first()


def agenda_items_of(*, meetings) -> QuerySet[AgendaItem]:
    """The items of these meetings, newest meeting first, each in agenda order."""
    return (
        AgendaItem.objects.filter(meeting__in=meetings)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "position", "id")
    )


def agenda_item_get(*, meeting: Meeting, item_id: int) -> AgendaItem:
    try:
        return meeting.agenda_items.get(pk=item_id)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        raise Http404("Punktet findes ikke på dagsordenen")


def meeting_guests(*, meeting: Meeting) -> list[MeetingGuest]:
    return list(meeting.guests.select_related("person").order_by("person__name"))


def meeting_notes(*, meeting: Meeting, kind: str | None = None) -> list[MeetingNote]:
    notes = meeting.notes.all()
    if kind:
        notes = notes.filter(kind=kind)
    return list(notes.order_by("id"))


def retreat_wishes(*, cluster: Cluster, year: int | None = None) -> list[MeetingNote]:
    """Wishes for the next retreat recorded on the cluster's meetings (for the annual report)."""
    notes = MeetingNote.objects.filter(meeting__cluster=cluster, kind=NoteKind.RETREAT_WISH)
    if year is not None:
        notes = notes.filter(meeting__starts_at__year=year)
    return list(notes.select_related("meeting").order_by("meeting__starts_at", "id"))


def guestships_of(*, person: Person, limit: int = 10) -> list[MeetingGuest]:
    """The meetings (not cancelled) the person is a guest at, newest first."""
    return list(
        MeetingGuest.objects.filter(person=person)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting__cluster")
        .order_by("-meeting__starts_at")[:limit]
    )


def is_meeting_guest(*, meeting: Meeting, person: Person) -> bool:
    return getattr(person, "is_authenticated", False) and meeting.guests.filter(person=person).exists()


@dataclass
class Participant:
    person: Person
    is_guest: bool = False
    guest_role: str = ""
    organisation: str = ""
    answer: str = ""
    checked_in: bool = False
    attendance: Attendance | None = None
    extra: dict = field(default_factory=dict)


def meeting_participants(*, meeting: Meeting) -> list[Participant]:
    """Everyone who takes part: current members of the cluster (active practices) and the meeting's
    guests, with their answer and whether they are checked in. Members first, then guests, by name.
    Anyone checked in but no longer a member is included too. A fixed number of queries."""
    day = timezone.localtime(meeting.starts_at).date()
    members, _excluded = core_selectors.active_members(cluster=meeting.cluster, day=day)
    answers = dict(meeting.invitations.values_list("person_id", "answer"))
    attendances = {a.person_id: a for a in meeting.attendances.select_related("person__practice")}
    result: dict[int, Participant] = {}
    for person in members:
        result[person.pk] = Participant(person=person)
    for guest in meeting.guests.select_related("person__practice"):
        result[guest.person_id] = Participant(
            person=guest.person,
            is_guest=True,
            guest_role=guest.get_role_display(),
            organisation=guest.organisation,
        )
    for person_id, attendance in attendances.items():
        result.setdefault(person_id, Participant(person=attendance.person))
    for participant in result.values():
        participant.answer = answers.get(participant.person.pk, "")
        participant.attendance = attendances.get(participant.person.pk)
        participant.checked_in = participant.attendance is not None
    return sorted(result.values(), key=lambda p: (p.is_guest, p.person.name.lower()))


def meeting_invitations(*, meeting: Meeting) -> list[Invitation]:
    return list(meeting.invitations.select_related("person__practice").order_by("person__name"))


def invitation_for(*, meeting: Meeting, person: Person) -> Invitation | None:
    if not getattr(person, "is_authenticated", False):
        return None
    return meeting.invitations.filter(person=person).first()


def answer_counts(*, meeting: Meeting) -> dict[str, int]:
    counts = dict(meeting.invitations.order_by().values_list("answer").annotate(n=Count("id")))
    return {
        "kommer": counts.get("kommer", 0),
        "kommer_ikke": counts.get("kommer_ikke", 0),
        "maaske": counts.get("maaske", 0),
        "unanswered": counts.get("", 0),
    }


@dataclass
class PracticeAttendance:
    practice: object
    meetings: list = field(default_factory=list)  # (meeting, state): "attended", "missed", "on_hold", ""
    attended: int = 0
    missed: int = 0
    on_hold: int = 0


def attendance_by_practice(*, cluster: Cluster, year: int, now: dt.datetime | None = None):
    """Per practice: for each held (not cancelled, already started) meeting of the year (board meetings
    left out), whether anyone from the practice attended. A practice on hold on the meeting's day is
    »on_hold«, not absent; one not a member that day (joined later, left before) is blank. A fixed
    number of queries whatever the size."""
    now = now or timezone.now()
    meetings = list(
        cluster.meetings.filter(starts_at__year=year, starts_at__lte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(kind=MeetingKind.BOARD_MEETING)
        .order_by("starts_at")
    )
    days = {meeting.pk: timezone.localtime(meeting.starts_at).date() for meeting in meetings}
    memberships = core_selectors.cluster_memberships(
        cluster=cluster, day=dt.date(year, 12, 31), include_left=True
    )
    attended = defaultdict(set)
    for meeting_id, practice_id in Attendance.objects.filter(
        meeting__in=meetings, person__practice__isnull=False
    ).values_list("meeting_id", "person__practice_id"):
        attended[practice_id].add(meeting_id)
    rows = []
    for membership in memberships:
        periods = membership.periods.all()  # prefetched
        statuses = {
            meeting.pk: core_selectors.status_from_periods(membership, periods, days[meeting.pk])
            for meeting in meetings
        }
        belonging = (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
        if membership.status not in belonging and not any(s in belonging for s in statuses.values()):
            continue  # left before the year's first meeting
        row = PracticeAttendance(practice=membership.practice)
        for meeting in meetings:
            status = statuses[meeting.pk]
            if meeting.pk in attended[membership.practice_id]:
                state = "attended"
            elif status == MembershipStatus.SUSPENDED:
                state = "on_hold"
            elif status == MembershipStatus.ACTIVE:
                state = "missed"
            else:
                state = ""
            row.meetings.append((meeting, state))
            row.attended += state == "attended"
            row.missed += state == "missed"
            row.on_hold += state == "on_hold"
        rows.append(row)
    rows.sort(key=lambda r: r.practice.name.lower())
    return meetings, rows


def _searchable(query: str) -> str:
    """A search text PostgreSQL can compare: it refuses text with a NUL character (from `?q=%00`)."""
    return (query or "").replace("\x00", "")


def cluster_packages(*, cluster: Cluster, query: str = ""):
    """National packages and the cluster's own, with the meetings of this cluster that used them."""
    packages = ClusterPackage.objects.filter(Q(cluster__isnull=True) | Q(cluster=cluster))
    query = _searchable(query)
    if query:
        packages = packages.filter(Q(title__icontains=query) | Q(focus__icontains=query))
    return (
        packages.select_related("follow_up_of")
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=Meeting.objects.filter(cluster=cluster).order_by("starts_at"),
                to_attr="cluster_meetings",
            )
        )
        .order_by("cluster_id", "title")
    )


def cluster_package_get(*, cluster: Cluster, package_id: int) -> ClusterPackage:
    try:
        return ClusterPackage.objects.select_related("follow_up_of").get(
            Q(cluster__isnull=True) | Q(cluster=cluster), pk=package_id
        )
    except (ClusterPackage.DoesNotExist, ValueError, TypeError):
        raise Http404("Pakken findes ikke")


def cluster_documents(*, cluster: Cluster, query: str = "", category: str = ""):
    documents = cluster.documents.all()
    query = _searchable(query)
    if query:
        documents = documents.filter(
            Q(title__icontains=query)
            | Q(description__icontains=query)
            | Q(versions__filename__icontains=query)
        ).distinct()
    if category:
        documents = documents.filter(category=category)
    return documents.prefetch_related(
        Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number"))
    ).order_by("title")


def cluster_document_get(*, cluster: Cluster, document_id: int) -> Document:
    try:
        return cluster.documents.get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404("Dokumentet findes ikke")


def person_feed_meetings(*, person: Person):
    """Every meeting of every cluster the person belongs to now, and the meetings they are a guest of."""
    clusters = RoleAssignment.objects.current().filter(person=person, role__in=MEMBER_ROLES).values("cluster")
    return (
        Meeting.objects.filter(Q(cluster__in=clusters) | Q(guests__person=person))
        .select_related("cluster")
        .distinct()
        .order_by("starts_at")
    )


def feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("person").filter(token=token, revoked_at__isnull=True).first()


def active_feed(*, person: Person) -> CalendarFeed | None:
    return person.calendar_feeds.filter(revoked_at__isnull=True).first()


def public_meetings(*, cluster: Cluster):
    return cluster.meetings.filter(is_public=True).select_related("cluster").order_by("starts_at")
