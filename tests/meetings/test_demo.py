import datetime as dt

import pytest

from klynge.core.models import Cluster, Person
from klynge.demo.meetings import build_meetings
from klynge.demo.register import build_register
from klynge.meetings import selectors
from klynge.meetings.models import MeetingKind, MeetingStatus

pytestmark = pytest.mark.django_db


def test_demo_has_gentofte_2022_and_the_dates_for_2023(client):
    build_register()
    build_meetings()
    gentofte = Cluster.objects.get(slug="gentofte")
    year = list(selectors.cluster_meetings(cluster=gentofte, year=2022))
    assert [(m.kind, m.starts_at.astimezone(dt.UTC).date()) for m in year] == [
        (MeetingKind.GENERAL_ASSEMBLY, dt.date(2022, 3, 14)),
        (MeetingKind.CLUSTER_MEETING, dt.date(2022, 5, 23)),
        (MeetingKind.CLUSTER_MEETING, dt.date(2022, 8, 29)),
        (MeetingKind.RETREAT, dt.date(2022, 11, 5)),
    ]
    assert all(m.status == MeetingStatus.HELD and m.minutes_approved_at for m in year)
    ga, may, aug, retreat = year
    assert ga.package.title == "Smertestillende medicin" and may.package.title == "Iskæmisk hjertesygdom"
    assert {g.get_role_display() for g in aug.guests.all()} == {"Kommune"}
    assert {g.get_role_display() for g in retreat.guests.all()} == {"Facilitator", "Oplægsholder"}
    assert retreat.ends_at.date() == dt.date(2022, 11, 6)
    assert [n.text for n in selectors.retreat_wishes(cluster=gentofte, year=2022)] == [
        "Fortsat fokus på det gode lægeliv og trivsel",
        "Klagesager og kritik",
    ]
    # The suspended practice's doctors are not at the meetings after the general assembly.
    for meeting in (may, aug, retreat):
        names = {p.practice.name for p in selectors.meeting_checked_in(meeting=meeting) if p.practice}
        assert "Strandvejens Lægehus" not in names and len(names) > 5
    plan = [
        (m.kind, m.starts_at.date(), m.ends_at.date(), m.venue_name)
        for m in selectors.cluster_meetings(cluster=gentofte, year=2023)
    ]
    assert plan == [
        (MeetingKind.GENERAL_ASSEMBLY, dt.date(2023, 2, 27), dt.date(2023, 2, 27), "Bernstorff Slot"),
        (MeetingKind.CLUSTER_MEETING, dt.date(2023, 5, 22), dt.date(2023, 5, 22), "Bernstorff Slot"),
        (MeetingKind.CLUSTER_MEETING, dt.date(2023, 9, 4), dt.date(2023, 9, 4), "Bernstorff Slot"),
        (MeetingKind.RETREAT, dt.date(2023, 11, 4), dt.date(2023, 11, 5), "Marienlyst"),
    ]
    _, rows = selectors.attendance_by_practice(cluster=gentofte, year=2022)
    held_out = next(r for r in rows if r.practice.name == "Strandvejens Lægehus")
    assert held_out.missed >= 3
    client.force_login(Person.objects.get(email="formand@gentofte.demo"))
    for path in (
        "/k/gentofte/moeder/?aar=2022",
        f"/k/gentofte/moeder/{ga.pk}/",
        "/k/gentofte/pakker/",
        "/k/gentofte/dokumenter/",
        "/k/gentofte/moeder/fremmoede/?aar=2022",
        f"/k/gentofte/moeder/{retreat.pk}/",
    ):
        assert client.get(path).status_code == 200, path
