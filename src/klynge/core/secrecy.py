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


def rewrite_postgres_tables(tables: list[str], *, lock_timeout: str = "2s") -> list[str]:
    """Gives the tables new files holding only their live rows, each written anew by this transaction.

    The rows are copied aside under an exclusive lock, the tables truncated (TRUNCATE gives a table a
    new, empty file and empties the old one at commit) and the rows written back. VACUUM FULL would
    not do: it keeps every old version that some running transaction could still see, and the
    transaction running VACUUM FULL counts as one that sees back to the oldest transaction open
    anywhere on the server, in any database (a report or a backup of another database is enough).
    TRUNCATE keeps nothing, whatever is running; written back, no row carries the transaction id of
    the vote or answer that wrote it last. Only the owner of a table may; the lock is waited for at
    most `lock_timeout`, so that a long reader never makes votes queue behind the rewrite.

    Returns why the rewrite did not run (the sessions holding the tables, or the error): empty when done.
    """
    if connection.vendor != "postgresql" or not tables:
        return []
    quote = connection.ops.quote_name
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
            cursor.execute(f"LOCK TABLE {', '.join(map(quote, tables))} IN ACCESS EXCLUSIVE MODE")
            for table in tables:
                cursor.execute(
                    f"CREATE TEMPORARY TABLE {quote('kept_' + table)} ON COMMIT DROP AS TABLE {quote(table)}"
                )
            cursor.execute(f"TRUNCATE {', '.join(map(quote, tables))}")
            for table in tables:
                cursor.execute(f"INSERT INTO {quote(table)} TABLE {quote('kept_' + table)}")  # noqa: S608
    except DatabaseError as error:
        holders = _sessions_holding(tables)
        log.warning("The tables %s were not rewritten (%s); held by %s", tables, error, holders)
        return holders or [str(error).strip()]
    return []


def _sessions_holding(tables: list[str]) -> list[str]:
    """The other sessions holding a lock on one of the tables, as a person running the server would
    look them up."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT format('session %%s (%%s, %%s, %%s since %%s): %%s', a.pid, "
            "coalesce(nullif(a.application_name, ''), a.backend_type), coalesce(a.usename, '-'), a.state, "
            "coalesce(a.xact_start::text, '-'), left(a.query, 80)) "
            "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.granted AND l.pid <> pg_backend_pid() AND l.relation = ANY(%s::regclass[])",
            [tables],
        )
        return [row[0] for row in cursor.fetchall()]


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
    """After a secret poll closes: empty SQLite's log; on PostgreSQL give the tables that held the
    running count new files, so that no earlier version of a row (with its voter's transaction id) is
    left (`rewrite_postgres_tables`)."""
    if connection.vendor == "sqlite":
        transaction.on_commit(lambda: truncate_sqlite_log(wait_ms=CLOSE_WAIT_MS), robust=True)
    elif connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in models]
        transaction.on_commit(lambda: rewrite_postgres_tables(tables), robust=True)


class ScrubIncomplete(Exception):
    """Old versions of secret rows are still in the table files: `args[0]` says what kept them."""


def scrub(*, vacuum: bool = False, wait_seconds: float = 60.0) -> list[str]:
    """The nightly clean-up (`klynge scrub`): what each database can be made to forget. Returns what ran.

    On PostgreSQL, raises ScrubIncomplete when sessions holding the secret tables (e.g. one left idle in
    a transaction after reading them) kept the rewrite waiting longer than `wait_seconds`."""
    done = []
    if connection.vendor == "sqlite":
        if vacuum:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")  # rebuilds the file: no free page is left with old content
            done.append("VACUUM")
        done.append("wal_checkpoint(TRUNCATE)" if truncate_sqlite_log(wait_ms=CLOSE_WAIT_MS) else "log busy")
    elif connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in secret_models()]
        kept_by = rewrite_postgres_tables(tables, lock_timeout=f"{int(wait_seconds * 1000)}ms")
        if kept_by:
            raise ScrubIncomplete(kept_by)
        done.append("rewritten " + ", ".join(tables))
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
