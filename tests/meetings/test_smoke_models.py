import datetime as dt

import pytest

from klynge.core.services import ServiceError
from klynge.meetings import selectors, services
from klynge.meetings.models import MeetingKind

TZ = dt.UTC


@pytest.fixture
def meeting(world):
    return services.meeting_create(
        cluster=world.cluster,
        kind=MeetingKind.CLUSTER_MEETING,
        title="Klyngemøde",
        starts_at=dt.datetime(2030, 5, 22, 14, tzinfo=TZ),
        ends_at=dt.datetime(2030, 5, 22, 17, tzinfo=TZ),
        venue_name="Bernstorff Slot",
    )


def test_agenda_item_create_appends_and_inserts(meeting, world):
    first = services.agenda_item_create(meeting=meeting, title="Velkomst", duration_minutes=10)
    second = services.agenda_item_create(meeting=meeting, title="Data", responsible=world.chair)
    inserted = services.agenda_item_create(
        meeting=meeting, title="Forslag", link_url="/k/x/forslag/1/", link_label="Forslaget", position=2
    )
    assert [i.title for i in selectors.meeting_agenda(meeting=meeting)] == ["Velkomst", "Forslag", "Data"]
    assert (first.position, inserted.position) == (1, 2)
    second.refresh_from_db()
    assert second.position == 3


def test_agenda_item_needs_a_title(meeting):
    with pytest.raises(ServiceError):
        services.agenda_item_create(meeting=meeting, title="  ")
    assert meeting.agenda_items.count() == 0


def test_participants_include_members_and_guests(meeting, world):
    guest = services.guest_add(
        meeting=meeting, name="Karin Kommune", email="karin@kommune.dk", role="kommune"
    )
    people = selectors.meeting_participants(meeting=meeting)
    names = [p.person.name for p in people]
    assert world.member.name in names and guest.person.name == names[-1]
    assert world.guest.name not in names
