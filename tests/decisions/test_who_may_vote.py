"""Who may vote, asked three ways: the poll page (»Gå til stemmesedlen«), the service and the API agree
with one table, the rule of decisions/rules.py.

Everyone is checked in at the meeting where the poll opens, so the table is about who they are, not
whether they came: the chair and a member vote; an alternate and a coordinator take part without a
vote; a member of a practice on hold does not vote; a member holding a proxy votes (for the giver
too); a guest and a member of another cluster do not.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from klynge.core import services as core_services
from klynge.core.models import MembershipStatus, Role
from klynge.core.services import api_token_create
from klynge.decisions import rules as decision_rules
from klynge.decisions import services
from klynge.meetings.services import attendance_check_in
from tests.factories import make_person, make_practice

from .helpers import make_meeting, option

pytestmark = pytest.mark.django_db

BUTTON = "Gå til stemmesedlen"

TABLE = {
    "chair": True,
    "member": True,
    "alternate": False,
    "coordinator": False,
    "practice on hold": False,
    "proxy holder": True,
    "guest": False,
    "other cluster": False,
}


@pytest.fixture
def setting(world, other_world):
    """Two open polls at today's meeting (one for the page and the API, one for the service)."""
    held = make_practice(world.cluster, "Lægerne på Hold")
    on_hold = make_person(world.cluster, Role.MEMBER, practice=held, name="Medlem på hold")
    core_services.membership_set_status(
        membership=world.cluster.memberships.get(practice=held),
        status=MembershipStatus.SUSPENDED,
        starts_on=dt.date(2024, 1, 1),
        ends_on=timezone.localdate() + dt.timedelta(days=365),
        reason="Mistillid",
    )
    holder = make_person(world.cluster, Role.MEMBER, practice=world.practice, name="Fuldmagtshaver Finn")
    giver = make_person(world.cluster, Role.MEMBER, practice=world.other_practice, name="Giver Gitte")
    people = {
        "chair": world.chair,
        "member": world.member,
        "alternate": world.alternate,
        "coordinator": world.coordinator,
        "practice on hold": on_hold,
        "proxy holder": holder,
        "guest": world.guest,
        "other cluster": other_world.member,
    }
    meeting = make_meeting(world.cluster, when=timezone.now() - dt.timedelta(hours=1))
    for person in people.values():
        attendance_check_in(meeting=meeting, person=person)
    polls = [
        services.poll_create(cluster=world.cluster, meeting=meeting, question=question, by=world.chair)
        for question in ("Vedtages forslaget?", "Vedtages budgettet?")
    ]
    # A proxy holds for the whole meeting.
    services.proxy_register(poll=polls[0], giver=giver, holder=holder, by=world.chair)
    return people, giver, [services.poll_open(poll=poll, by=world.chair) for poll in polls]


def offered_on_the_page(client, world, person, poll) -> bool:
    client.force_login(person)
    page = client.get(reverse("decisions:poll_detail", args=[world.cluster.slug, poll.pk]))
    ballot = client.get(reverse("decisions:poll_vote", args=[world.cluster.slug, poll.pk]))
    client.logout()
    offered = page.status_code == 200 and BUTTON in page.content.decode()
    # The ballot page admits whoever the poll page offers it to, and nobody else.
    assert (ballot.status_code == 200) == offered, (page.status_code, ballot.status_code)
    return offered


def voted_through_the_api(client, world, person, poll) -> bool:
    _, secret = api_token_create(person=person, name="stemme")
    response = client.post(
        f"/api/v1/clusters/{world.cluster.slug}/polls/{poll.pk}/votes",
        {"option_ids": [option(poll, "yes")]},
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code in (201, 400, 403, 404), response.content
    return response.status_code == 201


def voted_through_the_service(person, poll) -> bool:
    try:
        services.vote_cast(poll=poll, person=person, option_ids=[option(poll, "yes")])
    except ValidationError:
        return False
    return True


def test_page_service_and_api_agree_on_who_may_vote(client, world, setting):
    people, giver, (shown, served) = setting
    found = {}
    for who, person in people.items():
        page = offered_on_the_page(client, world, person, shown)
        api = voted_through_the_api(client, world, person, shown)
        service = voted_through_the_service(person, served)
        rule = person.has_perm("decisions.cast_vote", served)
        found[who] = (page, api, service, rule)
    expected = {who: (may,) * 4 for who, may in TABLE.items()}
    assert found == expected


def test_the_proxy_holder_casts_the_givers_vote_and_the_giver_cannot(world, setting):
    people, giver, (_, poll) = setting
    holder = people["proxy holder"]
    services.vote_cast(poll=poll, person=holder, option_ids=[option(poll, "no")], on_behalf_of=giver)
    assert not giver.has_perm("decisions.cast_vote", poll)
    with pytest.raises(ValidationError):
        services.vote_cast(poll=poll, person=giver, option_ids=[option(poll, "yes")])


def test_the_electorate_of_a_new_poll_is_who_the_rule_lets_vote(world, setting):
    people, giver, _ = setting
    voters = set(decision_rules.voters_of(cluster=world.cluster))
    for who, person in people.items():
        may = person.has_perm("decisions.vote", world.cluster)
        assert (person in voters) == may, who
    # Control: the rule does see each kind of person differently.
    assert people["member"] in voters and people["practice on hold"] not in voters
    assert people["alternate"] not in voters and people["coordinator"] not in voters
