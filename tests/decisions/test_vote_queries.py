"""One vote is a handful of queries: the API call a phone makes when the general assembly votes at once
(bench/vote_load.py sends 100 of them in the same instant; each statement is paid 100 times over)."""

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from klynge.core.services import api_token_create
from klynge.decisions import services
from klynge.decisions.models import BallotCount, Turnout
from tests.factories import ClusterWorld

from .helpers import add_voters, online_poll, option

# Transaction control (BEGIN, COMMIT, savepoints) and SQLite's PRAGMAs are not statements of the vote.
CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "PRAGMA")


def _cast(client, poll, token, option_ids):
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            f"/api/v1/clusters/{poll.cluster.slug}/polls/{poll.pk}/votes",
            data=json.dumps({"option_ids": option_ids}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    statements = [q["sql"] for q in captured.captured_queries if not q["sql"].lstrip().startswith(CONTROL)]
    return response, statements


def test_one_secret_vote_through_the_api_is_seven_statements(db, client):
    world = ClusterWorld("Klynge Forespørgsler")
    voter, other = add_voters(world, 2)
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    token = api_token_create(person=voter, name="telefon")[1]
    # The phone has been used before the vote (its token's last use is recent, so it is not written).
    assert (
        client.get(
            f"/api/v1/clusters/{world.cluster.slug}/polls/{poll.pk}", HTTP_AUTHORIZATION=f"Bearer {token}"
        ).status_code
        == 200
    )

    response, statements = _cast(client, poll, token, [option(poll, "yes")])

    assert response.status_code == 201, response.content
    # token, the cluster with the viewer's roles in it, the poll (tenancy); the poll's lock with the
    # entitlement and turnout, the turnout row, the counts; the turnout shown in the reply.
    assert len(statements) == 7, "\n".join(statements)
    assert Turnout.objects.filter(poll=poll, person=voter).count() == 1
    assert BallotCount.objects.get(poll=poll, option_id=option(poll, "yes")).votes == 1


def test_a_choice_from_another_poll_is_refused_and_leaves_no_trace(db, client):
    """The counts' update checks the choice (one counter of this poll per option chosen): an option of
    another poll is refused with a Danish message, and neither turnout nor any count is kept."""
    world = ClusterWorld("Klynge Forkert Valg")
    voter, other = add_voters(world, 2)
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    elsewhere = online_poll(world, secret=True, question="En anden afstemning?")
    services.poll_open(poll=elsewhere)
    token = api_token_create(person=voter, name="telefon")[1]

    response, _ = _cast(client, poll, token, [option(elsewhere, "yes")])

    assert response.status_code == 400
    assert "Ugyldigt valg" in response.content.decode()
    assert not Turnout.objects.filter(poll=poll).exists()
    assert sum(BallotCount.objects.filter(poll__in=[poll, elsewhere]).values_list("votes", flat=True)) == 0
    # Control: the same voter's valid vote is then counted.
    response, _ = _cast(client, poll, token, [option(poll, "no")])
    assert response.status_code == 201
    assert BallotCount.objects.get(poll=poll, option_id=option(poll, "no")).votes == 1
