"""The web records a cluster's past register: join dates, roles held from-to, periods of a membership."""

import datetime as dt

import pytest

from klynge.core.models import MembershipStatus, RoleAssignment
from klynge.core.selectors import membership_status
from klynge.decisions.rules import voters_of

pytestmark = pytest.mark.django_db


def test_a_practice_added_with_its_real_join_date_and_a_past_hold(client, world):
    client.force_login(world.chair)
    slug = world.cluster.slug
    response = client.post(
        f"/k/{slug}/praksis/ny/",
        {"name": "Lægerne i Vangede", "provider_number": "445566", "joined_on": "2019-04-01"},
    )
    assert response.status_code == 302
    membership = world.cluster.memberships.get(practice__provider_number="445566")
    assert membership.joined_on == dt.date(2019, 4, 1)
    url = f"/k/{slug}/praksis/{membership.practice_id}/periode/"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"status": "suspended", "starts_on": "2025-03-10", "ends_on": "2025-06-02", "reason": "Tillid"}
    )
    assert response.status_code == 302
    assert membership_status(membership, dt.date(2025, 5, 1)) == MembershipStatus.SUSPENDED
    # A period before the practice joined is refused with a Danish message and nothing is saved.
    response = client.post(url, {"status": "suspended", "starts_on": "2018-01-01", "ends_on": "2018-02-01"})
    assert response.status_code == 400 and "før praksis kom med" in response.content.decode()
    assert membership.periods.count() == 1
    # The detail page shows the history.
    page = client.get(f"/k/{slug}/praksis/{membership.practice_id}/").content.decode()
    assert "Sat på hold" in page and "Tillid" in page


def test_a_past_board_role_is_recorded_from_to_and_counts_as_of_its_days(client, world):
    client.force_login(world.chair)
    slug = world.cluster.slug
    response = client.post(
        f"/k/{slug}/personer/{world.member.pk}/roller/",
        {"role": "kasserer", "starts_on": "2024-03-11", "ends_on": "2025-03-10"},
    )
    assert response.status_code == 302
    role = RoleAssignment.objects.get(person=world.member, role="kasserer")
    assert (role.starts_on, role.ends_on) == (dt.date(2024, 3, 11), dt.date(2025, 3, 10))
    # A member who joins later was not a voter on an earlier day.
    client.post(
        f"/k/{slug}/personer/inviter/",
        {"name": "Ny Læge", "email": "ny@example.dk", "title": "praktiserende_laege", "role": "medlem"},
    )
    voters_then = {p.email for p in voters_of(cluster=world.cluster, day=dt.date(2024, 6, 1))}
    assert world.member.email in voters_then and "ny@example.dk" not in voters_then
