"""What the database files keep of a secret vote or an anonymous answer once it is stored.

A database writes more than its tables show: SQLite puts every changed page in its write-ahead log
(`klynge.sqlite3-wal`) and leaves deleted rows in free space, and PostgreSQL keeps every old version
of a row in the table's pages until VACUUM and writes every change to its own log (pg_wal). Replayed
one transaction at a time, such a log shows the database after each vote or answer, and the difference
between two neighbouring states is one person's vote. The services that store secrets call the
functions here so that these traces are wiped as soon as the server allows; docs/secret-ballots.md says
what each database still keeps, and for how long.

Models whose rows are secret say so with `holds_secrets = True`; `klynge scrub` cleans their tables.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import DatabaseError, connection, transaction

log = logging.getLogger(__name__)

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


def vacuum_postgres_tables(tables: list[str], *, lock_timeout: str = "2s") -> bool:
    """Rewrites the tables into new files (VACUUM FULL), so that no old row version stays in them.

    Only the owner of a table may; the lock is waited for at most `lock_timeout`, so that a long reader
    never makes votes in other polls queue behind the rewrite. Returns False when it could not run.
    """
    if connection.vendor != "postgresql" or not tables:
        return True
    quoted = ", ".join(connection.ops.quote_name(t) for t in tables)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = %s", [lock_timeout])
            try:
                cursor.execute(f"VACUUM FULL {quoted}")
            finally:
                cursor.execute("RESET lock_timeout")
    except DatabaseError as error:
        log.warning("VACUUM FULL of %s did not run: %s", quoted, error)
        return False
    return True


def after_secret_write() -> None:
    """After a secret vote or an anonymous answer commits: empty SQLite's log, which holds the pages
    before and after this transaction, i.e. the vote or answer next to the person's turnout row."""
    if connection.vendor == "sqlite":
        transaction.on_commit(lambda: truncate_sqlite_log(wait_ms=VOTE_WAIT_MS), robust=True)


def after_secret_closed(*models) -> None:
    """After a secret poll closes: empty SQLite's log; on PostgreSQL rewrite the tables that held the
    running count, so that no earlier version of a row (with its voter's transaction id) is left."""
    if connection.vendor == "sqlite":
        transaction.on_commit(lambda: truncate_sqlite_log(wait_ms=CLOSE_WAIT_MS), robust=True)
    elif connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in models]
        transaction.on_commit(lambda: vacuum_postgres_tables(tables), robust=True)


def scrub(*, vacuum: bool = False) -> list[str]:
    """The nightly clean-up (`klynge scrub`): what each database can be made to forget. Returns what ran."""
    done = []
    if connection.vendor == "sqlite":
        if vacuum:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM")  # rebuilds the file: no free page is left with old content
            done.append("VACUUM")
        done.append("wal_checkpoint(TRUNCATE)" if truncate_sqlite_log(wait_ms=CLOSE_WAIT_MS) else "log busy")
    elif connection.vendor == "postgresql":
        tables = [model._meta.db_table for model in secret_models()]
        if vacuum_postgres_tables(tables, lock_timeout="10s"):
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
