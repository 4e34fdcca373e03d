"""What the database files keep of a secret vote or an anonymous answer once it is stored.

A database writes more than its tables show: SQLite puts every changed page in its write-ahead log
(`klynge.sqlite3-wal`) and leaves deleted rows in free space, and PostgreSQL keeps every old version
of a row in the table's pages until VACUUM and writes every change to its own log (pg_wal). Replayed
one transaction at a time, such a log shows the database after each vote or answer, and the difference
between two neighbouring states is one person's vote. The services that store secrets call the
functions here so that these traces are wiped as soon as the server allows; docs/secret-ballots.md says
what each database still keeps, and for how long.

Models whose rows are secret say so with `holds_secrets = True`; `klynge scrub` cleans their tables.

Two designs use these functions, and the difference between them is deliberate: a secret poll's result
is only counts, so a secret vote is added to a count and never stored as a row (decisions.BallotCount);
a survey's results show each response (free text, answers read together), so anonymous responses are
rows, rewritten under fresh keys in a random order with every answer (surveys.services
`_store_anonymously`). Both keep who voted or answered apart (Turnout, Participation) and write it in
the same transaction under a lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time

from django.apps import apps
from django.db import DatabaseError, connection, transaction

log = logging.getLogger(__name__)

# One secret write at a time on SQLite: a lock for the threads of this process, and a lock file beside
# the database for the processes (gunicorn's workers). See `secret_write`.
_thread_turn = threading.Lock()
_held = threading.local()
# The votes of this process that want or hold the turn, those committed, and those known to have left
# the log: a vote queued behind another one empties the log for both (see `secret_write`).
_queue = threading.Condition()
_queued = 0
_committed = 0
_emptied = 0

# A vote waits at most this long for readers before the log is truncated (the next secret write or
# `klynge scrub` finishes the job); closing a poll waits longer.
VOTE_WAIT_MS = 200
CLOSE_WAIT_MS = 3000


def secret_models() -> list:
    return [model for model in apps.get_models() if getattr(model, "holds_secrets", False)]


def truncate_sqlite_log(*, wait_ms: int = VOTE_WAIT_MS) -> bool:
    """Copies SQLite's write-ahead log into the database file and empties the log file.

    TRUNCATE waits (up to `wait_ms`) for readers of older snapshots, then leaves a zero-byte log: no
    earlier page image survives in it. Returns False when readers kept it from finishing.
    """
    if connection.vendor != "sqlite":
        return True
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        before = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA busy_timeout = {int(wait_ms)}")
        try:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log_frames, _checkpointed = cursor.fetchone()
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {int(before)}")
    if busy:
        log.warning("SQLite's log could not be emptied after a secret write: readers were busy.")
    return not busy


def vacuum_postgres_tables(
    tables: list[str], *, lock_timeout: str = "2s", wait_seconds: float = 3.0
) -> list[str]:
    """Rewrites the tables into new files (VACUUM FULL), so that no old row version stays in them.

    VACUUM FULL copies every row version that some open snapshot could still see: a session that began
    its transaction before the versions were replaced keeps them in the new file as well. So it first
    waits up to `wait_seconds` for such sessions to finish. Only the owner of a table may rewrite it;
    the lock is waited for at most `lock_timeout`, so that a long reader never makes votes in other
    polls queue behind the rewrite.

    Returns what kept old versions in the files: empty when the rewrite ran with no older snapshot left.
    """
    if connection.vendor != "postgresql" or not tables:
        return []
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    with connection.cursor() as cursor:
        # Every transaction that replaced a version has committed by now, so its id is below this one.
        cursor.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::xid")
        replaced_before = cursor.fetchone()[0]
    holders = _wait_for_older_snapshots(replaced_before, wait_seconds=wait_seconds)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = %s", [lock_timeout])
            try:
                cursor.execute(f"VACUUM FULL {quoted}")
            finally:
                cursor.execute("RESET lock_timeout")
    except DatabaseError as error:
        log.warning("VACUUM FULL of %s did not run: %s", quoted, error)
        return [f"VACUUM FULL did not run: {error}".strip()]
    if holders:
        log.warning("VACUUM FULL of %s kept old row versions that these could still see: %s", quoted, holders)
    return holders


def _wait_for_older_snapshots(xid: str, *, wait_seconds: float) -> list[str]:
    """Waits until nothing in this database can see row versions replaced before transaction `xid`:
    no other session with an older snapshot or transaction, no prepared transaction and no replication
    slot holding one back. Returns, after `wait_seconds`, a description of each still there."""
    deadline = time.monotonic() + wait_seconds
    while True:
        holders = _older_snapshots(xid)
        if not holders or time.monotonic() >= deadline:
            return holders
        time.sleep(0.05)


def _older_snapshots(xid: str) -> list[str]:
    with connection.cursor() as cursor:
        # age() counts back from the next transaction id: a larger age is an older id.
        cursor.execute(
            "SELECT format('session %%s (%%s, %%s, %%s since %%s): %%s', pid, "
            "coalesce(nullif(application_name, ''), backend_type), coalesce(usename, '-'), state, "
            "coalesce(xact_start::text, '-'), left(query, 80)) "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND (age(backend_xmin) > age(%s::xid) OR age(backend_xid) > age(%s::xid)) "
            "UNION ALL SELECT format('prepared transaction %%s', gid) FROM pg_prepared_xacts "
            "WHERE database = current_database() AND age(transaction) > age(%s::xid) "
            "UNION ALL SELECT format('replication slot %%s', slot_name) FROM pg_replication_slots "
            "WHERE (database IS NULL OR database = current_database()) AND age(xmin) > age(%s::xid)",
            [xid] * 4,
        )
        return [row[0] for row in cursor.fetchall()]


def restamp_postgres_tables(tables: list[str]) -> None:
    """Writes every row of the tables again in one transaction of its own, so that each live row carries
    this transaction's id instead of that of the vote or answer that last wrote it (which the person's
    turnout or participation row shares)."""
    if connection.vendor != "postgresql":
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            column = connection.ops.quote_name(connection.introspection.get_primary_key_column(cursor, table))
            cursor.execute(f"UPDATE {connection.ops.quote_name(table)} SET {column} = {column}")  # noqa: S608


def _sqlite_file() -> str | None:
    """The database file, or None for an in-memory database (which has no log to copy)."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return None
    return str(connection.settings_dict["NAME"])


@contextlib.contextmanager
def _turn():
    """Holds SQLite's turn: one secret write or log truncation at a time in this process and, through a
    lock file beside the database, across the server's processes. Re-entrant within one thread."""
    if getattr(_held, "depth", 0):
        _held.depth += 1
        try:
            yield
        finally:
            _held.depth -= 1
        return
    database = _sqlite_file()
    with _thread_turn:
        descriptor = None
        if database is not None:
            descriptor = os.open(f"{database}-secret.lock", os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(descriptor, fcntl.LOCK_EX)  # the kernel wakes the next waiter at once
        _held.depth = 1
        try:
            yield
        finally:
            _held.depth = 0
            if descriptor is not None:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
                os.close(descriptor)


def _log_emptied_since_commit() -> bool:
    """True when SQLite's log is 0 bytes: every frame written before now, this transaction's included,
    has been copied into the database file and the log cut back (only a full checkpoint, TRUNCATE or a
    log restart under journal_size_limit=0, leaves it empty)."""
    database = _sqlite_file()
    if database is None:
        return False
    try:
        return os.stat(f"{database}-wal").st_size == 0
    except FileNotFoundError:
        return True


def _empty_log_after_commit() -> None:
    """Empties the log in SQLite's turn, unless a truncation since this commit already did: when 100
    votes arrive at once, the votes that committed while one truncated are covered by the next one,
    and each vote still returns only once its own pages have left the log."""
    with _turn():
        if not _log_emptied_since_commit():
            truncate_sqlite_log(wait_ms=VOTE_WAIT_MS)


@contextlib.contextmanager
def secret_write():
    """Wraps the transaction of a vote: on SQLite, one at a time across threads and processes, then the
    log emptied before the caller goes on (see `after_secret_write`). On PostgreSQL it does nothing:
    there the poll's row lock orders the votes.

    Without it, 100 votes at once each poll SQLite's busy lock (sleeping up to 100 ms between tries, in
    no order) and the last ones give up after busy_timeout with "database is locked"; with it they queue
    on a lock the kernel hands on at once. A vote that has committed while others of this process are
    queued leaves the truncation to the last of them, which empties the log for all: one fsync of the
    database file for a queue of votes instead of one each. Each still returns only once its pages have
    left the log (or a truncation has been tried and logged as blocked by readers).
    """
    global _queued
    if connection.vendor != "sqlite":
        yield
        return
    _held.pending = 0
    with _queue:
        _queued += 1
    try:
        with _turn():
            yield
    finally:
        with _queue:
            _queued -= 1
            _queue.notify_all()
    if _held.pending:
        mine, _held.pending = _held.pending, 0
        _empty_log_for(mine)


def _empty_log_for(mine: int) -> None:
    """Returns once the log no longer holds this process's secret commit number `mine`."""
    global _emptied
    with _queue:
        while _emptied < mine and _queued:
            # A vote queued behind this one will empty the log after its commit, for both.
            if not _queue.wait(timeout=1.0):
                break
        if _emptied >= mine:
            return
    with _turn():
        with _queue:
            if _emptied >= mine:
                return
            upto = _committed
        if not _log_emptied_since_commit():
            truncate_sqlite_log(wait_ms=VOTE_WAIT_MS)
        with _queue:
            _emptied = max(_emptied, upto)
            _queue.notify_all()


def after_secret_write() -> None:
    """After a secret vote or an anonymous answer commits: empty SQLite's log, which holds the pages
    before and after this transaction, i.e. the vote or answer next to the person's turnout row.
    Inside `secret_write` the truncation waits until the turn is let go; the reply waits for it."""
    if connection.vendor == "sqlite":
        transaction.on_commit(_after_commit, robust=True)


def _after_commit() -> None:
    global _committed
    if getattr(_held, "depth", 0):
        with _queue:
            _committed += 1
            _held.pending = _committed
    else:
        _empty_log_after_commit()


def after_secret_closed(*models) -> None:
    """After a secret poll closes: empty SQLite's log; on PostgreSQL rewrite the tables that held the
    running count, so that no earlier version of a row (with its voter's transaction id) is left."""
    if connection.vendor == "sqlite":
        transaction.on_commit(lambda: truncate_sqlite_log(wait_ms=CLOSE_WAIT_MS), robust=True)
    elif connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in models]
        transaction.on_commit(lambda: vacuum_postgres_tables(tables), robust=True)


class ScrubIncomplete(Exception):
    """Old versions of secret rows are still in the table files: `args[0]` says what kept them."""


def scrub(*, vacuum: bool = False, wait_seconds: float = 60.0) -> list[str]:
    """The nightly clean-up (`klynge scrub`): what each database can be made to forget. Returns what ran.

    On PostgreSQL, raises ScrubIncomplete when a session older than the rewrite (e.g. one left idle in a
    transaction) or the table lock kept old row versions in the files after `wait_seconds`."""
    done = []
    if connection.vendor == "sqlite":
        if vacuum:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")  # rebuilds the file: no free page is left with old content
            done.append("VACUUM")
        done.append("wal_checkpoint(TRUNCATE)" if truncate_sqlite_log(wait_ms=CLOSE_WAIT_MS) else "log busy")
    elif connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in secret_models()]
        restamp_postgres_tables(tables)
        done.append("rows written anew")
        kept_by = vacuum_postgres_tables(tables, lock_timeout="10s", wait_seconds=wait_seconds)
        if kept_by:
            raise ScrubIncomplete(kept_by)
        done.append("VACUUM FULL " + ", ".join(tables))
        if _may_checkpoint():
            # A new log segment, then a checkpoint past it: the segments holding the day's votes and
            # answers are no longer needed and are recycled (or removed with wal_recycle = off).
            with connection.cursor() as cursor:
                try:
                    cursor.execute("SELECT pg_switch_wal()")
                    done.append("pg_switch_wal()")
                except DatabaseError:
                    pass  # granted separately (GRANT EXECUTE ON FUNCTION pg_switch_wal)
                cursor.execute("CHECKPOINT")
            done.append("CHECKPOINT")
    return done


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
    return bool(row and row[0])


def _may_checkpoint() -> bool:
    """CHECKPOINT needs a superuser or (PostgreSQL 15+) a member of pg_checkpoint."""
    if _is_superuser():
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid "
            "WHERE r.rolname = 'pg_checkpoint' AND m.member = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user))"
        )
        return bool(cursor.fetchone()[0])
