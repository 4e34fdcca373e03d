"""Reads of the decisions capability, always from a cluster."""

from __future__ import annotations

import datetime as dt
import difflib

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from klynge.core.models import Cluster, Person
from klynge.core.prepared import Prepared, fields_of, instance
from klynge.meetings.models import Meeting, MeetingKind, MeetingStatus

from .models import (
    CharterKind,
    CharterVersion,
    Decision,
    Entitlement,
    Motion,
    MotionAttachment,
    Poll,
    PollStatus,
    Proxy,
    Turnout,
)


def _get(queryset, pk, message):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message)


def cluster_poll_get(*, cluster: Cluster, poll_id: int) -> Poll:
    """The poll with its meeting and motion (as `select_related` would give them)."""
    try:
        row = _POLL_OF_CLUSTER.first(cluster_id=cluster.pk, poll_id=int(poll_id))
    except (ValueError, TypeError, OverflowError):
        row = None
    if row is None:
        raise Http404("Afstemningen findes ikke i klyngen")
    poll_end = len(_POLL_FIELDS)
    meeting_end = poll_end + len(_MEETING_FIELDS)
    poll = instance(Poll, row[:poll_end])
    poll.cluster = cluster
    poll.meeting = instance(Meeting, row[poll_end:meeting_end]) if poll.meeting_id else None
    poll.motion = instance(Motion, row[meeting_end:]) if poll.motion_id else None
    return poll


# Every poll page, API call and vote reads its poll here: compiled once (core/prepared.py).
_POLL_FIELDS = fields_of(Poll)
_MEETING_FIELDS = fields_of(Meeting, "meeting__")
_POLL_OF_CLUSTER = Prepared(
    lambda cluster_id, poll_id: (
        Poll.objects.filter(cluster_id=cluster_id, pk=poll_id)
        .order_by()
        .values_list(*_POLL_FIELDS, *_MEETING_FIELDS, *fields_of(Motion, "motion__"))
    ),
    cluster_id=int,
    poll_id=int,
)


def cluster_polls(*, cluster: Cluster):
    return cluster.polls.select_related("meeting").order_by("-created_at", "-id")


def cluster_motion_get(*, cluster: Cluster, motion_id: int) -> Motion:
    return _get(
        cluster.motions.select_related("meeting", "submitter"), motion_id, "Forslaget findes ikke i klyngen"
    )


def cluster_motions(*, cluster: Cluster):
    return cluster.motions.select_related("meeting", "submitter").prefetch_related("attachments")


def motion_attachment_get(*, cluster: Cluster, attachment_id: int) -> MotionAttachment:
    return _get(
        MotionAttachment.objects.filter(motion__cluster=cluster),
        attachment_id,
        "Bilaget findes ikke i klyngen",
    )


def cluster_decision_get(*, cluster: Cluster, decision_id: int) -> Decision:
    return _get(cluster.decisions.select_related("meeting", "poll"), decision_id, "Beslutningen findes ikke")


def cluster_decisions(*, cluster: Cluster, published_only: bool = False):
    decisions = cluster.decisions.select_related("meeting", "poll")
    if published_only:
        decisions = decisions.exclude(poll__status=PollStatus.CLOSED)
    return decisions.order_by("-decided_on", "-id")


def general_assemblies(*, cluster: Cluster, upcoming: bool = False):
    meetings = cluster.meetings.filter(kind=MeetingKind.GENERAL_ASSEMBLY).exclude(
        status=MeetingStatus.CANCELLED
    )
    if upcoming:
        meetings = meetings.filter(starts_at__gt=timezone.now())
    return meetings.order_by("starts_at")


def cluster_meeting_choices(*, cluster: Cluster):
    return cluster.meetings.exclude(status=MeetingStatus.CANCELLED).order_by("-starts_at")


def turnout_count(poll: Poll) -> int:
    return _TURNOUT_COUNT.first(poll_id=poll.pk)[0]


# The answer to every vote: compiled once (core/prepared.py).
# COUNT as a plain function, not an aggregate: values_list() would group an aggregate by poll.
_TURNOUT_COUNT = Prepared(
    lambda poll_id: (
        Turnout.objects.filter(poll_id=poll_id)
        .order_by()
        .values_list(Func(F("pk"), function="COUNT", output_field=IntegerField()))
    ),
    poll_id=int,
)


def poll_proxies(poll: Poll):
    """The proxies that count in the poll: its meeting's (a proxy holds for the whole meeting), or its own."""
    proxies = (
        Proxy.objects.filter(meeting=poll.meeting) if poll.meeting_id else Proxy.objects.filter(poll=poll)
    )
    return proxies.select_related("giver", "holder")


def has_own_vote(*, poll: Poll, person) -> bool:
    """In the poll's electorate with a vote not given away by proxy."""
    if not getattr(person, "is_authenticated", False):
        return False
    return Entitlement.objects.filter(poll=poll, person=person, holder__isnull=True).exists()


def holds_proxy(*, poll: Poll, person) -> bool:
    if not getattr(person, "is_authenticated", False):
        return False
    return Entitlement.objects.filter(poll=poll, holder=person).exists()


def my_votes(*, poll: Poll, person: Person) -> list[dict]:
    """The votes the person may cast in the poll: their own and those they hold by proxy."""
    entitlements = Entitlement.objects.filter(poll=poll).filter(
        Q(person=person, holder__isnull=True) | Q(holder=person)
    )
    voted = set(
        Turnout.objects.filter(poll=poll, person_id__in=[e.person_id for e in entitlements]).values_list(
            "person_id", flat=True
        )
    )
    rows = []
    for entitlement in entitlements.select_related("person").order_by("holder_id", "person__name"):
        rows.append(
            {
                "person": entitlement.person,
                "is_proxy": entitlement.person_id != person.pk,
                "voted": entitlement.person_id in voted,
            }
        )
    return rows


def ballots_waiting(*, cluster: Cluster, person: Person) -> list[Poll]:
    """Open polls in which the person still has a vote to cast, their own or one held by proxy."""
    now = timezone.now()
    unvoted = (
        Entitlement.objects.filter(poll=OuterRef("pk"))
        .filter(Q(person=person, holder__isnull=True) | Q(holder=person))
        .exclude(Exists(Turnout.objects.filter(poll=OuterRef("poll"), person=OuterRef("person"))))
    )
    return list(
        cluster.polls.filter(status=PollStatus.OPEN)
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .filter(Exists(unvoted))
        .select_related("meeting")
        .order_by("closes_at", "pk")
    )


def polls_ready_to_open(*, cluster: Cluster) -> list[Poll]:
    """Draft polls of meetings still to come: the board opens them at the meeting."""
    return list(
        cluster.polls.filter(
            status=PollStatus.DRAFT, meeting__starts_at__gt=timezone.now() - dt.timedelta(hours=12)
        )
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting")
        .order_by("meeting__starts_at", "pk")
    )


def gave_proxy(*, poll: Poll, person: Person) -> Entitlement | None:
    return (
        Entitlement.objects.filter(poll=poll, person=person, holder__isnull=False)
        .select_related("holder")
        .first()
    )


def who_voted(poll: Poll) -> list[tuple[Person, Person]]:
    """(voter, acted by) after the poll has closed: who voted, never how; sorted by name."""
    if poll.status not in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        return []
    rows = Turnout.objects.filter(poll=poll).select_related("person", "cast_by")
    return sorted(((t.person, t.cast_by) for t in rows), key=lambda pair: pair[0].name.lower())


def open_ballots(poll: Poll):
    """The named ballots of an open (not secret) poll, for the minutes."""
    if poll.secret or poll.status not in (PollStatus.CLOSED, PollStatus.PUBLISHED):
        return []
    return (
        poll.ballots.select_related("voter", "cast_by")
        .prefetch_related("choices__option")
        .order_by("voter__name")
    )


def charter_current(*, cluster: Cluster, kind: str) -> CharterVersion | None:
    return CharterVersion.objects.filter(cluster=cluster, kind=kind).order_by("-number").first()


def charter_versions(*, cluster: Cluster, kind: str):
    return (
        CharterVersion.objects.filter(cluster=cluster, kind=kind)
        .select_related("decision")
        .order_by("-number")
    )


def charter_documents(*, cluster: Cluster) -> list[tuple[str, str, CharterVersion | None]]:
    return [(kind, label, charter_current(cluster=cluster, kind=kind)) for kind, label in CharterKind.choices]


def charter_diff(old: CharterVersion, new: CharterVersion) -> list[tuple[str, str]]:
    """(kind, line) with kind in 'same', 'added', 'removed'."""
    rows = []
    for line in difflib.ndiff(old.text.splitlines(), new.text.splitlines()):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        rows.append(({"  ": "same", "+ ": "added", "- ": "removed"}[tag], text))
    return rows


def public_meetings(*, cluster: Cluster) -> list[Meeting]:
    """Coming general assemblies and cluster meetings: date and venue only, nothing internal."""
    meetings = cluster.meetings.filter(
        starts_at__gt=timezone.now(), kind__in=[MeetingKind.GENERAL_ASSEMBLY, MeetingKind.CLUSTER_MEETING]
    ).exclude(status=MeetingStatus.CANCELLED)
    if any(f.name == "is_public" for f in Meeting._meta.get_fields()):
        meetings = meetings.filter(is_public=True)
    return list(
        meetings.order_by("starts_at").only("kind", "starts_at", "ends_at", "venue_name", "venue_address")
    )
