import datetime as dt
import zoneinfo

import pytest

from klynge.meetings import services
from klynge.meetings.models import MeetingKind

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def at(y, m, d, h=16, mi=0):
    return dt.datetime(y, m, d, h, mi, tzinfo=CPH)


def make_meeting(cluster, *, kind=MeetingKind.CLUSTER_MEETING, title="Klyngemøde", start=None, hours=3, **kw):
    start = start or at(2030, 5, 22)
    return services.meeting_create(
        cluster=cluster,
        kind=kind,
        title=title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        venue_name=kw.pop("venue_name", "Bernstorff Slot"),
        **kw,
    )


@pytest.fixture
def meeting(world):
    return make_meeting(world.cluster)


@pytest.fixture
def chair_client(client, world):
    client.force_login(world.chair)
    return client


@pytest.fixture
def member_client(client, world):
    client.force_login(world.member)
    return client


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
