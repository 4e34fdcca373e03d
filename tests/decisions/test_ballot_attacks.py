"""Attacks on secret ballots with copies of the database files (docs/secret-ballots.md).

Twelve known members vote secretly through the API and the chair closes the poll through the API.
The attacker then holds what an outsider can get: a copy of the SQLite file and its write-ahead log
taken while the server holds them open, `klynge backup` files taken at different moments, and on
PostgreSQL what the administrator sees (the hidden transaction id of every row, and with pageinspect
every row version still in the pages). Each attack counts how many votes it links to their voter.
Each has a control: the same attack, pointed at a setup that does leak, links every vote.
"""

import contextlib

import pytest
from django.db import connection
from django.test import Client

from klynge.core.services import api_token_create
from tests import attacker
from tests.factories import ClusterWorld

from .helpers import add_voters

pytestmark = pytest.mark.django_db(transaction=True)

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="copies the SQLite file and its WAL")
postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own traces")
# Yes, no and abstain, mixed so that no two neighbours in the order of voting are told apart by luck.
PATTERN = ["yes", "no", "yes", "abstain", "no", "no", "yes", "abstain", "yes", "no", "abstain", "yes"]


class GeneralAssembly:
    """Twelve members with API keys, a chair, and a secret poll driven through the API."""

    def __init__(self, *, secret: bool = True):
        self.world = ClusterWorld("Klynge Hemmelig")
        self.voters = add_voters(self.world, 12)
        self.client = Client()
        self.keys = {
            p.pk: api_token_create(person=p, name="telefon")[1] for p in [self.world.chair, *self.voters]
        }
        self.base = f"/api/v1/clusters/{self.world.cluster.slug}/polls"
        created = self._post(
            self.world.chair,
            self.base,
            {
                "question": "Skal praksis X's deltagelse sættes på hold?",
                "secret": secret,
                "closes_at": "2099-01-01T12:00:00+01:00",
            },
            201,
        )
        self.poll_id = created["id"]
        codes = {"Ja": "yes", "Nej": "no", "Undlader": "abstain"}
        self.options = {codes[o["label"]]: str(o["id"]) for o in created["options"]}
        self.truth: dict[str, frozenset[str]] = {}

    def _post(self, person, url, data, status=200):
        response = self.client.post(
            url,
            data,
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.keys[person.pk]}"},
        )
        assert response.status_code == status, response.content
        return response.json()

    def open(self):
        self._post(self.world.chair, f"{self.base}/{self.poll_id}/open", {})

    def vote(self, index: int):
        person, code = self.voters[index], PATTERN[index]
        self._post(
            person, f"{self.base}/{self.poll_id}/votes", {"option_ids": [int(self.options[code])]}, 201
        )
        self.truth[str(person.pk)] = frozenset([self.options[code]])

    def close(self):
        return self._post(self.world.chair, f"{self.base}/{self.poll_id}/close", {})


def _links(links, truth):
    return attacker.correct_links(links, truth)


@pytest.fixture
def fresh_log():
    attacker.start_with_an_empty_log()


# SQLite: the files of a running server --------------------------------------------------------------


@sqlite_only
def test_a_copy_of_the_live_files_links_no_vote_while_open_or_after_closing(tmp_path, fresh_log):
    assembly = GeneralAssembly()
    assembly.open()
    for i in range(6):
        assembly.vote(i)
    while_open = attacker.copy_live_sqlite_files(tmp_path / "open")
    for i in range(6, 12):
        assembly.vote(i)
    assembly.close()
    after_closing = attacker.copy_live_sqlite_files(tmp_path / "closed")
    connection.close()  # the server stops: SQLite folds its log into the file
    stopped = attacker.copy_live_sqlite_files(tmp_path / "stopped")

    for copy, votes in ((while_open, 6), (after_closing, 12), (stopped, 12)):
        opened = attacker.read_sqlite(copy)
        assert sum(attacker.tally(opened, assembly.poll_id).values()) == votes  # the copy holds the count
        # Pair the n-th ballot row with the n-th turnout row (the attack of issue 14).
        assert _links(attacker.link_ballots_by_order(opened, assembly.poll_id), assembly.truth) == 0
        # Replay the log one transaction at a time; the voter who appears brings the vote that appears.
        states = attacker.wal_replay(copy)
        assert _links(attacker.link_ballots_by_difference(states, assembly.poll_id), assembly.truth) == 0
        assert all(
            _links(attacker.link_ballots_by_order(state, assembly.poll_id), assembly.truth) == 0
            for state in states
        )


@sqlite_only
def test_control_with_the_log_left_alone_a_copy_links_every_vote(tmp_path, fresh_log, monkeypatch):
    """The defence turned off (the log is never emptied): replaying the copied log links all twelve."""
    from klynge.core import secrecy

    monkeypatch.setattr(secrecy, "truncate_sqlite_log", lambda **kwargs: True)
    assembly = GeneralAssembly()
    assembly.open()
    for i in range(12):
        assembly.vote(i)
    assembly.close()
    copy = attacker.copy_live_sqlite_files(tmp_path / "var")
    states = attacker.wal_replay(copy)
    assert _links(attacker.link_ballots_by_difference(states, assembly.poll_id), assembly.truth) == 12


# Backups, on SQLite and PostgreSQL ------------------------------------------------------------------


def test_two_backups_link_no_vote_once_the_poll_has_closed(tmp_path, fresh_log):
    assembly = GeneralAssembly()
    assembly.open()
    for i in range(6):
        assembly.vote(i)
    six = attacker.read_backup(attacker.backup(tmp_path / "six.backup"))
    assembly.vote(6)
    seven = attacker.read_backup(attacker.backup(tmp_path / "seven.backup"))
    for i in range(7, 12):
        assembly.vote(i)
    assembly.close()
    closed = attacker.read_backup(attacker.backup(tmp_path / "closed.backup"))

    for snapshot in (six, seven, closed):
        assert _links(attacker.link_ballots_by_order(snapshot, assembly.poll_id), assembly.truth) == 0
    # Between a backup taken while the poll was open and one after closing, five people voted, not all
    # alike: the backups show who and how many for each option, not who voted what.
    assert _links(attacker.link_ballots_by_difference([seven, closed], assembly.poll_id), assembly.truth) == 0
    assert _links(attacker.link_ballots_by_difference([six, closed], assembly.poll_id), assembly.truth) == 0
    # Control, and the limit docs/secret-ballots.md states: two backups taken while the poll is open,
    # with exactly one vote between them, show that vote.
    assert _links(attacker.link_ballots_by_difference([six, seven], assembly.poll_id), assembly.truth) == 1


def test_control_the_order_attack_links_every_vote_of_a_named_poll(tmp_path, fresh_log):
    """Where votes are rows written in the order of voting (a named poll), pairing them with the
    turnout rows in the same order links them all: the attack can see that leak."""
    assembly = GeneralAssembly(secret=False)
    assembly.open()
    for i in range(12):
        assembly.vote(i)
    assembly.close()
    snapshot = attacker.read_backup(attacker.backup(tmp_path / "named.backup"))
    assert _links(attacker.link_ballots_by_order(snapshot, assembly.poll_id), assembly.truth) == 12


# PostgreSQL: what its administrator sees -------------------------------------------------------------


@postgres_only
@pytest.mark.parametrize(
    "busy_elsewhere", [False, True], ids=["quiet server", "transaction in another database"]
)
def test_the_administrator_links_no_vote_once_the_poll_has_closed(busy_elsewhere):
    """The hidden transaction id (xmin) of live rows (any role that can read the tables), and every row
    version still in the pages (pageinspect, a superuser or a copy of the data directory). A transaction
    left open in another database of the server must not keep old versions (VACUUM FULL kept them)."""
    assembly = GeneralAssembly()
    assembly.open()
    with contextlib.ExitStack() as stack:
        if busy_elsewhere:
            stack.enter_context(
                contextlib.closing(attacker.pg_open_transaction("postgres", "rapport-i-anden-database"))
            )
        _vote_close_and_attack(assembly)


def _vote_close_and_attack(assembly):
    for i in range(12):
        assembly.vote(i)
    options = set(assembly.options.values())
    inspect = attacker.pg_can_inspect_pages()

    tables = [
        t
        for t in ("decisions_ballotcount", "decisions_ballotchoice")
        if t in connection.introspection.table_names()
    ]

    def attack():
        voters = {
            xmin: str(row["person_id"])
            for xmin, row in attacker.pg_xmins("decisions_turnout", "poll_id = %s", [assembly.poll_id])
        }
        live = [
            {**row, "xmin": xmin} for table in tables for xmin, row in attacker.pg_xmins(table, "true", [])
        ]
        by_live_xmin = _links(attacker.link_ballots_by_transaction(voters, live, options), assembly.truth)
        if not inspect:
            return by_live_xmin, None
        versions = [version for table in tables for version in attacker.pg_tuple_versions(table)]
        return by_live_xmin, _links(
            attacker.link_ballots_by_transaction(voters, versions, options), assembly.truth
        )

    # Control, and the limit while the poll is open: each vote wrote a new version of a count row,
    # stamped with the voter's transaction; the live rows show the last voter for each option.
    live_open, versions_open = attack()
    assert live_open >= 1
    assert versions_open in (None, 12)
    assembly.close()
    assert attack() == (0, None if not inspect else 0)
