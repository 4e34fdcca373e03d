"""Against PostgreSQL: 100 voters at the same moment, each in its own thread and connection."""

import threading

import pytest
from django.db import connection, connections

from klynge.core.services import ServiceError
from klynge.decisions import services
from klynge.decisions.models import Ballot, BallotCount, Poll, Turnout

from .helpers import add_voters, online_poll, option

needs_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (row locks)")


def _counted(poll) -> dict[str, int]:
    return {c.option.code if c.option else "blank": c.votes for c in BallotCount.objects.filter(poll=poll)}


def _run_at_once(jobs):
    """Runs each job in its own thread, all released at the same moment; returns (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []
    lock = threading.Lock()

    def run(job):
        try:
            barrier.wait()
            job()
            with lock:
                results.append(True)
        except Exception as error:  # noqa: BLE001 - collected and asserted on
            with lock:
                errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@needs_postgres
def test_hundred_voters_at_the_same_moment_give_exactly_hundred_ballots(transactional_db):
    from tests.factories import ClusterWorld

    world = ClusterWorld("Klynge Samtidig")
    people = [world.chair, world.member, *add_voters(world, 98)]
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    yes, no = option(poll, "yes"), option(poll, "no")

    jobs = [
        (
            lambda person=person, i=i: services.vote_cast(
                poll=poll, person=person, option_ids=[yes if i % 3 else no]
            )
        )
        for i, person in enumerate(people)
    ]
    results, errors = _run_at_once(jobs)
    assert errors == []
    assert len(results) == 100
    assert _counted(poll) == {"yes": 66, "no": 34, "abstain": 0, "blank": 0}
    assert not Ballot.objects.filter(poll=poll).exists()
    assert Turnout.objects.filter(poll=poll).count() == 100

    # The same person voting twice at the same moment: exactly one counts.
    poll2 = online_poll(world, secret=True)
    services.poll_open(poll=poll2)
    results, errors = _run_at_once(
        [lambda: services.vote_cast(poll=poll2, person=world.chair, option_ids=[option(poll2, "yes")])] * 5
    )
    assert len(results) == 1
    assert len(errors) == 4 and all(
        isinstance(e, ServiceError) and "allerede stemt" in e.messages[0] for e in errors
    )
    assert sum(_counted(poll2).values()) == 1

    # Voting while the poll is closed at the same moment: the votes before the close count, none after.
    poll3 = online_poll(world, secret=True)
    services.poll_open(poll=poll3)
    voters = people[:20]
    jobs = [
        (
            lambda person=person: services.vote_cast(
                poll=poll3, person=person, option_ids=[option(poll3, "yes")]
            )
        )
        for person in voters
    ]
    jobs.append(lambda: services.poll_close(poll=poll3))
    results, errors = _run_at_once(jobs)
    assert all(isinstance(e, ServiceError) and "lukket" in e.messages[0] for e in errors)
    decision = Poll.objects.get(pk=poll3.pk).decision
    counted = sum(_counted(poll3).values())
    assert decision.counts["counts"]["yes"] == counted == Turnout.objects.filter(poll=poll3).count()
    assert counted == 20 - len(errors)
    with pytest.raises(ServiceError, match="lukket"):
        services.vote_cast(poll=poll3, person=people[30], option_ids=[option(poll3, "yes")])


@pytest.mark.postgres
@needs_postgres
def test_closing_rewrites_the_secret_counts_so_no_transaction_id_links_them_to_turnout(transactional_db):
    """PostgreSQL stores the writing transaction's id (xmin) on every row; while the poll is open each
    count row carries the id of the last vote for its option, the same as that voter's turnout row.
    After closing, no count row carries the xmin of any turnout row."""
    from tests.factories import ClusterWorld

    world = ClusterWorld("Klynge Xmin")
    people = [world.chair, world.member, *add_voters(world, 4)]
    poll = online_poll(world, secret=True)
    services.poll_open(poll=poll)
    for i, person in enumerate(people):
        services.vote_cast(poll=poll, person=person, option_ids=[option(poll, "yes" if i % 2 else "no")])

    def xmins(table):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table} WHERE poll_id = %s", [poll.pk])
            return {row[0] for row in cursor.fetchall()}

    assert xmins("decisions_ballotcount") & xmins("decisions_turnout")  # the link exists while open
    services.poll_close(poll=poll)
    assert xmins("decisions_ballotcount").isdisjoint(xmins("decisions_turnout"))
    assert len(xmins("decisions_ballotcount")) == 1
    decision = Poll.objects.get(pk=poll.pk).decision
    assert decision.counts["counts"] == {"yes": 3, "no": 3, "abstain": 0}
