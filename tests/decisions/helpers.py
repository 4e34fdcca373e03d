import datetime as dt

from django.utils import timezone

from klynge.core.models import Role
from klynge.decisions import services
from klynge.meetings.models import MeetingKind
from klynge.meetings.services import attendance_check_in, meeting_create
from tests.factories import make_person


def at(year, month, day, hour=17):
    return timezone.make_aware(dt.datetime(year, month, day, hour, 0))


def make_meeting(cluster, *, kind=MeetingKind.GENERAL_ASSEMBLY, when=None, title=None):
    when = when or timezone.now() + dt.timedelta(days=30)
    return meeting_create(
        cluster=cluster,
        kind=kind,
        title=title or "Generalforsamling",
        starts_at=when,
        ends_at=when + dt.timedelta(hours=3),
        venue_name="Bernstorff Slot",
    )


def add_voters(world, n):
    return [make_person(world.cluster, Role.MEMBER, practice=world.practice) for _ in range(n)]


def meeting_poll(world, *, check_in, **kwargs):
    """A poll at a meeting today with the given people checked in."""
    meeting = make_meeting(
        world.cluster, kind=MeetingKind.CLUSTER_MEETING, when=timezone.now() - dt.timedelta(hours=1)
    )
    for person in check_in:
        attendance_check_in(meeting=meeting, person=person)
    kwargs.setdefault("question", "Skal vi vedtage forslaget?")
    return services.poll_create(cluster=world.cluster, meeting=meeting, by=world.chair, **kwargs)


def online_poll(world, **kwargs):
    kwargs.setdefault("question", "Skal klyngen have åbne data?")
    return services.poll_create(
        cluster=world.cluster, closes_at=timezone.now() + dt.timedelta(days=2), by=world.chair, **kwargs
    )


def option(poll, code_or_label):
    return next(o.pk for o in poll.options.all() if code_or_label in (o.code, o.label))
