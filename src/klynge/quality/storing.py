"""Writing an import's indicator values in bulk: staged, compared and merged in SQL.

The rows go into a temporary staging table (PostgreSQL: COPY of a CSV that Polars writes; SQLite: one
`executemany` over plain column lists), and everything else is a handful of set-form statements: count
the new, changed and unchanged values, check every referenced indicator, practice and cluster once
(under a lock on those rows on PostgreSQL), and merge with one INSERT ... ON CONFLICT. No Python object
is made per stored value. The caller runs all of it in one transaction, so an import is all or nothing.
"""

from __future__ import annotations

import contextlib

import polars as pl
from django.db import connection

from klynge.core.models import Cluster, Practice
from klynge.core.services import ServiceError

from .models import Indicator, Measurement

STAGING = "quality_incoming"
KEY = ["indicator_id", "scope", "period_start", "granularity"]
SCHEMA = {
    "indicator_id": pl.Int64,
    "level": pl.String,
    "scope": pl.String,
    "practice_id": pl.Int64,
    "cluster_id": pl.Int64,
    "region": pl.String,
    "period_start": pl.Date,
    "granularity": pl.String,
    "numerator": pl.Float64,
    "denominator": pl.Float64,
}
SQL_TYPES = {
    "indicator_id": "bigint",
    "level": "varchar(10)",
    "scope": "varchar(30)",
    "practice_id": "bigint",
    "cluster_id": "bigint",
    "region": "varchar(20)",
    "period_start": "date",
    "granularity": "varchar(10)",
    "numerator": "double precision",
    "denominator": "double precision",
}
COPY_ROWS = 50_000


CACHE_KIB = 65_536


@contextlib.contextmanager
def page_cache():
    """SQLite: a page cache of 64 MB on this connection while an import writes, so that the indexes it
    fills stay in memory until the commit (the default is 2 MB); the old size afterwards."""
    if _postgres():
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    old = int(raw.execute("PRAGMA cache_size").fetchone()[0])
    raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    try:
        yield
    finally:
        raw.execute(f"PRAGMA cache_size = {old}")


def _table() -> str:
    return Measurement._meta.db_table


def _postgres() -> bool:
    return connection.vendor == "postgresql"


UNIT = ["level", "scope", "practice_id", "cluster_id", "region"]
PERIOD = ["period_start", "granularity"]


def stage(frame: pl.DataFrame) -> None:
    """Fills the staging table `quality_incoming` with the frame's rows, in key order (gone at the end of
    the transaction, or by :func:`drop`)."""
    frame = frame.select([pl.col(c).cast(t) for c, t in SCHEMA.items()])
    drop()
    with connection.cursor() as cursor:
        if _postgres():
            frame = frame.sort(KEY)
            columns = ", ".join(f"{name} {kind}" for name, kind in SQL_TYPES.items())
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGING} ({columns}) ON COMMIT DROP")
            # Polars writes the CSV (empty unquoted = NULL, "" = empty text); COPY streams it in.
            names = ", ".join(SCHEMA)
            copying = cursor.cursor.copy(f"COPY {STAGING} ({names}) FROM STDIN WITH (FORMAT csv)")
            with connection.wrap_database_errors, copying as copy:
                for batch in frame.iter_slices(COPY_ROWS):
                    copy.write(batch.write_csv(include_header=False, quote_style="non_numeric").encode())
            cursor.execute(f"ANALYZE {STAGING}")
            return
    # SQLite has no COPY: the rows go through `executemany` on the DB-API connection itself (Django's
    # cursor wrapper would look at every row), fed whole columns. To bind few values per row, the units
    # (practice, region, country) and periods get numbers in tables of their own, and a view joins them
    # back; dates go in as the ISO text Django's SQLite backend stores.
    # Numbered in key order, so that rows sorted by numbers are sorted by the key.
    units = frame.select(UNIT).unique().sort("scope").with_row_index("unit")
    periods = frame.select(PERIOD).unique().sort(PERIOD).with_row_index("period")
    rows = (
        frame.join(units, on=UNIT, how="left", nulls_equal=True)
        .join(periods, on=PERIOD, how="left")
        .select("indicator_id", "unit", "period", "numerator", "denominator")
        .sort("indicator_id", "unit", "period")
    )
    raw = connection.connection
    for name, table, key in (
        (f"{STAGING}_units", units, "unit"),
        (f"{STAGING}_periods", periods.with_columns(pl.col("period_start").cast(pl.String)), "period"),
        (f"{STAGING}_rows", rows, None),
    ):
        columns = ", ".join(
            f"{c} INTEGER PRIMARY KEY" if c == key else f"{c} {SQL_TYPES.get(c, 'bigint')}"
            for c in table.columns
        )
        raw.execute(f"CREATE TEMPORARY TABLE {name} ({columns})")
        _insert(raw, name, table)
    units_columns = ", ".join(f"u.{c}" for c in UNIT)
    raw.execute(
        f"CREATE TEMPORARY VIEW {STAGING} AS SELECT r.indicator_id, {units_columns}, "  # noqa: S608
        f"p.period_start, p.granularity, r.numerator, r.denominator FROM {STAGING}_rows r "
        f"JOIN {STAGING}_units u ON u.unit = r.unit JOIN {STAGING}_periods p ON p.period = r.period"
    )


ROWS_PER_INSERT = 64


def _insert(raw, table: str, frame: pl.DataFrame) -> None:
    """Inserts the frame's rows in order, 64 rows per INSERT: `executemany` then binds a statement's
    values in one go, which more than halves its cost per row."""
    columns = [frame.get_column(c).to_list() for c in frame.columns]
    one = f"({', '.join(['?'] * frame.width)})"
    whole = frame.height - frame.height % ROWS_PER_INSERT
    if whole:
        raw.executemany(
            f"INSERT INTO {table} VALUES {', '.join([one] * ROWS_PER_INSERT)}",  # noqa: S608 (constants)
            zip(
                *[column[i:whole:ROWS_PER_INSERT] for i in range(ROWS_PER_INSERT) for column in columns],
                strict=True,
            ),
        )
    if whole < frame.height:
        raw.executemany(
            f"INSERT INTO {table} VALUES {one}",  # noqa: S608 (constants)
            zip(*[column[whole:] for column in columns], strict=True),
        )


def drop() -> None:
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        else:
            cursor.execute(f"DROP VIEW IF EXISTS {STAGING}")
            for name in ("rows", "units", "periods"):
                cursor.execute(f"DROP TABLE IF EXISTS {STAGING}_{name}")


def _same(a: str, b: str) -> str:
    """SQL for "the stored value a and the new value b are the same" (relative tolerance 1e-9).

    A stored infinity (written before imports refused one) is never the same as a new value, so a
    corrective import replaces it."""
    greatest = "GREATEST" if _postgres() else "max"
    finite = "CAST(1e308 AS DOUBLE PRECISION)"
    return (
        f"(({a} IS NULL AND {b} IS NULL) OR ({a} IS NOT NULL AND {b} IS NOT NULL AND ({a} = {b} OR "
        f"(abs({a}) < {finite} AND abs({b}) < {finite} "
        f"AND abs({a} - {b}) <= 1e-9 * {greatest}(abs({a}), abs({b}), 1.0)))))"
    )


def _joined() -> str:
    on = " AND ".join(f"m.{k} = i.{k}" for k in KEY)
    return f"{STAGING} i LEFT JOIN {_table()} m ON {on}"


def _differs() -> str:
    return f"(m.id IS NULL OR NOT ({_same('m.numerator', 'i.numerator')} AND {_same('m.denominator', 'i.denominator')}))"


def differences() -> tuple[int, int, int]:
    """(new, changed, unchanged) values of the staged rows against the stored ones."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), "  # noqa: S608 (constants)
            f"coalesce(sum(CASE WHEN m.id IS NULL THEN 1 ELSE 0 END), 0), "
            f"coalesce(sum(CASE WHEN {_differs()} THEN 1 ELSE 0 END), 0) FROM {_joined()}"
        )
        total, new, differing = cursor.fetchone()
    return int(new), int(differing) - int(new), int(total) - int(differing)


def replaced(limit: int) -> list[tuple]:
    """The first changed values (in key order): indicator id, practice id, scope, period start,
    granularity, old numerator, old denominator, new numerator, new denominator."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT i.indicator_id, i.practice_id, i.scope, i.period_start, i.granularity, "  # noqa: S608
            f"m.numerator, m.denominator, i.numerator, i.denominator FROM {_joined()} "
            f"WHERE m.id IS NOT NULL AND {_differs()} "
            f"ORDER BY i.indicator_id, i.scope, i.period_start, i.granularity LIMIT %s",
            [limit],
        )
        return cursor.fetchall()


def check_references(frame: pl.DataFrame) -> None:
    """Every indicator, practice and cluster the rows name exists, checked once per table (the database
    checks no foreign key of measurements per row; see models.Measurement). On PostgreSQL the referenced
    rows are locked (FOR KEY SHARE, as a foreign key would) until the import commits; on SQLite the
    import's write transaction already keeps every other writer out."""
    lock = " FOR KEY SHARE" if _postgres() else ""
    with connection.cursor() as cursor:
        for column, model in (
            ("indicator_id", Indicator),
            ("practice_id", Practice),
            ("cluster_id", Cluster),
        ):
            wanted = frame.get_column(column).drop_nulls().unique().sort().to_list()
            if not wanted:
                continue
            cursor.execute(
                f"SELECT count(*) FROM (SELECT id FROM {model._meta.db_table} "  # noqa: S608 (constants)
                f"WHERE id IN ({', '.join(['%s'] * len(wanted))}){lock}) AS found",
                wanted,
            )
            if cursor.fetchone()[0] != len(wanted):
                raise ServiceError(
                    f"En {model._meta.verbose_name} blev slettet under importen; intet er importeret. Prøv igen."
                )


# SQLite binds at most 32,766 values per statement; Denmark has about 1,700 practices.
MAX_LISTED = 30_000


def nothing_stored(frame: pl.DataFrame) -> bool:
    """Whether no value is stored for any of the frame's indicators and units (scopes) in the span of its
    periods: a first import, or a new year of data. Then every value is new, and the import writes them
    straight in (:func:`insert`), without staging or comparing. One index lookup per indicator and unit
    (the key's index starts with both), however many values are stored.

    On PostgreSQL the answer is made to hold until the commit: the table is locked against other writers
    (SHARE ROW EXCLUSIVE: readers go on; entries and other imports wait for this one) and asked again.
    SQLite's write transaction (IMMEDIATE) already keeps every other writer out."""
    ids = frame.get_column("indicator_id").unique().sort().to_list()
    scopes = frame.get_column("scope").unique().sort().to_list()
    if len(ids) + len(scopes) > MAX_LISTED:
        return False  # more units than one statement may name: compared as before
    periods = frame.get_column("period_start")
    first, last = periods.min(), periods.max()
    sql = (
        f"SELECT 1 FROM {_table()} WHERE indicator_id IN ({', '.join(['%s'] * len(ids))}) "  # noqa: S608
        f"AND scope IN ({', '.join(['%s'] * len(scopes))}) AND period_start >= %s AND period_start <= %s "
        "LIMIT 1"
    )
    params = [*ids, *scopes, first, last]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if cursor.fetchone() is not None:
            return False
        if not _postgres():
            return True
        cursor.execute(f"LOCK TABLE {_table()} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(sql, params)
        return cursor.fetchone() is None


def insert(frame: pl.DataFrame, *, log_id: int) -> None:
    """Writes every row of the frame as a new value (see :func:`nothing_stored`), in key order, which keeps
    the writes to the key's index at its end. PostgreSQL: one COPY straight into the table; SQLite: the
    compact staging of :func:`stage` and one plain INSERT ... SELECT."""
    if not _postgres():
        stage(frame)
        names = ", ".join(SCHEMA)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table()} ({names}, import_log_id) SELECT {names}, %s FROM {STAGING}",  # noqa: S608
                [log_id],
            )
        drop()
        return
    frame = frame.select([pl.col(c).cast(t) for c, t in SCHEMA.items()]).sort(KEY)
    names = ", ".join([*SCHEMA, "import_log_id"])
    # Django's own errors (DatabaseError, IntegrityError) for what psycopg raises, as for any query.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {_table()} ({names}) FROM STDIN WITH (FORMAT csv)") as copy,
    ):
        for batch in frame.with_columns(import_log_id=pl.lit(log_id, pl.Int64)).iter_slices(COPY_ROWS):
            copy.write(batch.write_csv(include_header=False, quote_style="non_numeric").encode())


def merge(*, log_id: int, all_new: bool) -> None:
    """Writes the new and changed staged values (stamped with the import's log) in one statement. The
    staged rows are in key order (see :func:`stage`), which keeps the writes to the key's index local.
    When every staged value is new, the comparison with the stored values is left out."""
    names = ", ".join(SCHEMA)
    selected = ", ".join(f"i.{name}" for name in SCHEMA)
    source = f"{STAGING} i WHERE true" if all_new else f"{_joined()} WHERE {_differs()}"
    update = ", ".join(f"{c} = excluded.{c}" for c in ("numerator", "denominator", "import_log_id"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table()} ({names}, import_log_id) "  # noqa: S608 (constants)
            f"SELECT {selected}, %s FROM {source} "
            f"ON CONFLICT ({', '.join(KEY)}) DO UPDATE SET {update}",
            [log_id],
        )
