import datetime as dt

import pytest
from django.utils import timezone

from klynge.meetings import services


@pytest.mark.django_db
def test_a_guest_finds_their_meeting_on_my_clusters(client, world, other_world):
    meeting = services.meeting_create(
        cluster=world.cluster,
        kind="klyngemoede",
        title="Henvisninger til kommunen",
        venue_name="Rådhuset",
        starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2),
    )
    services.meeting_create(
        cluster=other_world.cluster,
        kind="klyngemoede",
        title="Et andet møde",
        venue_name="Et andet sted",
        starts_at=timezone.now() + dt.timedelta(days=7),
        ends_at=timezone.now() + dt.timedelta(days=7, hours=2),
    )
    services.guest_add(
        meeting=meeting, name="Gæst Gunnar", email=world.guest.email, organisation="Kommunen", role="kommune"
    )
    client.force_login(world.guest)
    page = client.get("/").content.decode()
    assert "Henvisninger til kommunen" in page and f"/moeder/{meeting.pk}/" in page
    assert "Et andet møde" not in page
