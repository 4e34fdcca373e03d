"""Writes of the quality app: the catalogue, imports (all or nothing, idempotent), entries, settings."""

from __future__ import annotations

import datetime as dt
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import connection, transaction
from django.db.models import Q

from klynge.core import services as core_services
from klynge.core.models import Cluster, Person, Practice, Region
from klynge.core.services import ServiceError

from . import cache as data_cache
from . import importing as imp
from .catalogue import read_catalogue, terms_of
from .models import (
    DenominatorKind,
    Granularity,
    ImportLog,
    Indicator,
    Level,
    Measurement,
    Source,
    Unit,
    kind_for_unit,
    period_label,
)

BATCH_SIZE = 2000
REPLACED_KEPT = 500

# Catalogue -------------------------------------------------------------------------------------------


@transaction.atomic
def indicators_load_catalogue(*, directory: Path | None = None) -> tuple[int, int, int]:
    """Creates or updates the national indicators from the catalogue files: (created, updated, unchanged)."""
    entries = read_catalogue(directory) if directory else read_catalogue()
    existing = {i.code: i for i in Indicator.objects.filter(cluster__isnull=True)}
    created = updated = unchanged = 0
    for fields in entries:
        indicator = existing.get(fields["code"])
        if indicator is None:
            Indicator.objects.create(cluster=None, **fields)
            created += 1
            continue
        changed = [name for name, value in fields.items() if getattr(indicator, name) != value]
        if not indicator.active:
            indicator.active = True
            changed.append("active")
        if changed:
            for name in changed:
                setattr(indicator, name, fields.get(name, True))
            indicator.save(update_fields=[*changed, "updated_at"])
            updated += 1
        else:
            unchanged += 1
    codes = {f["code"] for f in entries}
    Indicator.objects.filter(cluster__isnull=True, active=True).exclude(code__in=codes).update(active=False)
    data_cache.bump(None)  # the bulk update sends no signal (klynge.quality.signals)
    return created, updated, unchanged


@transaction.atomic
def indicator_create(
    *,
    cluster: Cluster,
    by: Person | None,
    name_da: str,
    code: str = "",
    why: str = "",
    unit: str = Unit.PER_1000_YEAR,
    numerator_label: str = "",
    denominator_label: str = "",
    direction: str = "neither",
    target: float | None = None,
    name_en: str = "",
) -> Indicator:
    """A cluster's own indicator, counted by its members (numerator and denominator entered per period)."""
    from django.utils.text import slugify

    danish = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})
    code = slugify((code or name_da).translate(danish))[:60]
    if not name_da.strip():
        raise ServiceError({"name_da": "Skriv indikatorens navn."})
    if not code:
        raise ServiceError({"code": "Indikatoren skal have en kode."})
    if Indicator.objects.filter(Q(cluster=cluster) | Q(cluster__isnull=True), code=code).exists():
        raise ServiceError({"code": f"Koden »{code}« er allerede i brug."})
    if unit == Unit.PERCENT and target is not None and not 0 <= target <= 100:
        raise ServiceError({"target": "Et mål i procent ligger mellem 0 og 100."})
    indicator = Indicator(
        cluster=cluster,
        code=code,
        name_da=name_da.strip(),
        name_en=name_en,
        why=why,
        unit=unit,
        kind=kind_for_unit(unit),
        source_kind=Source.SELF_REPORTED,
        numerator_label=numerator_label,
        denominator_kind=DenominatorKind.NONE if unit == Unit.COUNT else DenominatorKind.COUNTED,
        denominator_label=denominator_label,
        direction=direction,
        target=target,
        author=by.name if by else "",
        sort_order=10_000,
        created_by=by,
    )
    indicator.full_clean(exclude=["cluster"])
    indicator.save()
    return indicator


# Open data -------------------------------------------------------------------------------------------


@transaction.atomic
def cluster_open_data_set(*, cluster: Cluster, open_data: bool, reason: str, by: Person | None) -> Cluster:
    """Until the decisions app records the decision, the board sets open data with a recorded reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError({"reason": "Skriv begrundelsen, fx hvilket møde der besluttede det."})
    stamp = f"{dt.date.today():%d/%m %Y}, {by.name if by else 'ukendt'}: {reason}"
    return core_services.cluster_update(cluster=cluster, open_data=open_data, open_data_reason=stamp)


# Imports ---------------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    errors: list[tuple[int, str]] = field(default_factory=list)
    rows_read: int = 0
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    skipped_practices: int = 0
    log: ImportLog | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.replaced)


def _fail(result: ImportResult, line: int, message: str) -> ImportResult:
    result.errors.append((line, message))
    return result


KEY = ["indicator_id", "scope", "period_start", "granularity"]
WRITE_SCHEMA = {
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


def _same(a: pl.Expr, b: pl.Expr) -> pl.Expr:
    # A stored infinity (written before imports refused one) is never "the same" as a new value, so a
    # corrective import replaces it: inf - x is inf, and inf <= 1e-9 * inf would say "unchanged".
    close = (a == b) | (
        a.is_finite()
        & b.is_finite()
        & ((a - b).abs() <= 1e-9 * pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0)))
    )
    return (a.is_null() & b.is_null()) | (a.is_not_null() & b.is_not_null() & close)


def _write(
    *,
    rows: pl.DataFrame,
    result: ImportResult,
    cluster: Cluster | None,
    kind: str,
    info: imp.FileInfo | None,
    by: Person | None,
    started: float,
) -> ImportResult:
    """Upserts the indicator rows: only new and changed values are written; replacements are logged."""
    rows = rows.select([pl.col(c).cast(t) for c, t in WRITE_SCHEMA.items()])
    if rows.is_empty():
        return result
    existing_qs = Measurement.objects.filter(
        indicator_id__in=rows["indicator_id"].unique().to_list(),
        level__in=rows["level"].unique().to_list(),
        granularity__in=rows["granularity"].unique().to_list(),
        period_start__gte=rows["period_start"].min(),
        period_start__lte=rows["period_start"].max(),
    )
    scopes = rows["scope"].unique()
    if len(scopes) <= 500:
        existing_qs = existing_qs.filter(scope__in=scopes.to_list())
    existing = pl.DataFrame(
        list(existing_qs.values_list(*KEY, "numerator", "denominator")),
        schema={
            **{k: WRITE_SCHEMA[k] for k in KEY},
            "old_numerator": pl.Float64,
            "old_denominator": pl.Float64,
        },
        orient="row",
    )
    joined = rows.join(existing, on=KEY, how="left")
    is_new = pl.col("old_numerator").is_null()
    is_same = _same(pl.col("numerator"), pl.col("old_numerator")) & _same(
        pl.col("denominator"), pl.col("old_denominator")
    )
    new = joined.filter(is_new)
    changed = joined.filter(~is_new & ~is_same)
    result.unchanged = joined.height - new.height - changed.height
    result.created, result.replaced = new.height, changed.height
    if not result.changed:
        result.seconds = time.perf_counter() - started
        return result

    replaced_sample = []
    if changed.height:
        codes = dict(
            Indicator.objects.filter(pk__in=changed["indicator_id"].unique().to_list()).values_list(
                "pk", "code"
            )
        )
        numbers = dict(
            Practice.objects.filter(
                pk__in=changed["practice_id"].drop_nulls().unique().head(REPLACED_KEPT).to_list()
            ).values_list("pk", "provider_number")
        )
        for row in changed.head(REPLACED_KEPT).iter_rows(named=True):
            replaced_sample.append(
                {
                    "indikator": codes.get(row["indicator_id"]),
                    "enhed": numbers.get(row["practice_id"], row["scope"]),
                    "periode": period_label(row["period_start"], row["granularity"]),
                    "før": [_json_number(row["old_numerator"]), _json_number(row["old_denominator"])],
                    "nu": [row["numerator"], row["denominator"]],
                }
            )
    with transaction.atomic():
        log = ImportLog.objects.create(
            cluster=cluster,
            kind=kind,
            by=by,
            file_name=(info.name if info else "")[:300],
            digest=info.digest if info else "",
            rows_read=result.rows_read,
            rows_written=new.height + changed.height,
            rows_created=new.height,
            rows_replaced=changed.height,
            replaced_values=replaced_sample,
        )
        to_write = pl.concat([new, changed]).drop("old_numerator", "old_denominator")
        _upsert(to_write.with_columns(import_log_id=pl.lit(log.pk, dtype=pl.Int64)))
        result.seconds = time.perf_counter() - started
        log.seconds = result.seconds
        log.save(update_fields=["seconds"])
    result.log = log
    return result


def _json_number(value):
    """A number for the log's JSON; an infinity stored before imports refused one is written as text."""
    return value if value is None or math.isfinite(value) else str(value)


COLUMNS = [*WRITE_SCHEMA, "import_log_id"]


def _upsert(frame: pl.DataFrame) -> None:
    """INSERT ... ON CONFLICT (the measurement key) DO UPDATE, in batches, straight from the frame's rows.

    Django's bulk_create(update_conflicts=True) gives the same SQL but builds a model instance per row
    (about 0.3 ms each: 2 minutes for a national year), so the rows go to the cursor directly; on
    PostgreSQL through COPY into a temporary table.
    """
    table = Measurement._meta.db_table
    names = ", ".join(COLUMNS)
    conflict = ", ".join(KEY)
    update = "numerator = excluded.numerator, denominator = excluded.denominator, import_log_id = excluded.import_log_id"
    frame = frame.select(COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMPORARY TABLE quality_incoming (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            cursor.execute("ALTER TABLE quality_incoming DROP COLUMN id")
            # Polars writes the CSV (empty unquoted = NULL, "" = empty text); COPY streams it in.
            with cursor.cursor.copy(f"COPY quality_incoming ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                for batch in frame.iter_slices(BATCH_SIZE * 25):
                    copy.write(batch.write_csv(include_header=False, quote_style="non_numeric").encode())
            cursor.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM quality_incoming "  # noqa: S608 (constants)
                f"ON CONFLICT ({conflict}) DO UPDATE SET {update}"
            )
            cursor.execute("DROP TABLE quality_incoming")
        else:
            # The DB-API connection itself: Django's cursor wrapper costs about 0.1 ms a row here, and
            # dates go in as the ISO text Django's SQLite backend stores.
            placeholders = ", ".join(["?"] * len(COLUMNS))
            sql = (
                f"INSERT INTO {table} ({names}) VALUES ({placeholders}) "  # noqa: S608 (constants)
                f"ON CONFLICT ({conflict}) DO UPDATE SET {update}"
            )
            connection.ensure_connection()
            raw = connection.connection
            # Rows in key order fill the B-trees from one end; a larger page cache (this connection only)
            # keeps the indexes of a national year in memory while they are written.
            raw.execute("PRAGMA cache_size = -262144")
            frame = frame.with_columns(pl.col("period_start").cast(pl.String)).sort(KEY)
            for batch in frame.iter_slices(BATCH_SIZE * 25):
                raw.executemany(sql, batch.rows())


def _practice_frame(cluster: Cluster | None) -> pl.DataFrame:
    """provider_number → practice_id: the cluster's practices, or every practice in the register."""
    if cluster is not None:
        pairs = cluster.memberships.values_list("practice__provider_number", "practice_id")
    else:
        pairs = Practice.objects.values_list("provider_number", "pk")
    return pl.DataFrame(
        list(pairs), schema={"provider_number": pl.String, "practice_id": pl.Int64}, orient="row"
    )


REGION_NAMES = {}
for _value, _label in Region.choices:
    REGION_NAMES[_value] = _value
    REGION_NAMES[str(_label).lower()] = _value
    REGION_NAMES[str(_label).lower().removeprefix("region ")] = _value
NATIONAL_NAMES = {"national", "landet", "hele landet", "dk", "danmark", "land"}


def measurements_import(
    *,
    path: Path,
    cluster: Cluster | None = None,
    national: bool = False,
    by: Person | None = None,
    file_name: str | None = None,
) -> ImportResult:
    """Long format (ydernummer, indikator, periode, tæller, nævner) for one cluster's practices, or
    national and regional reference values (ydernummer "hele landet" or a region name) with national=True.
    All or nothing: any bad line imports nothing and is reported with its line number."""
    if (cluster is None) == (not national):
        raise ServiceError("Vælg enten en klynge eller nationale referenceværdier.")
    started = time.perf_counter()
    result = ImportResult()
    info = imp.inspect_file(Path(path), file_name)
    try:
        try:
            lazy = imp.scan_table(
                info, imp.MEASUREMENT_HEADERS, ("provider", "indicator", "period", "numerator")
            )
        except imp.ImportFileError as error:
            return _fail(result, 1, str(error))
        has_den = "denominator" in lazy.collect_schema().names()
        frame = lazy.collect()
    finally:
        info.cleanup()
    if not has_den:
        frame = frame.with_columns(denominator=pl.lit(""))
    frame = frame.filter(
        pl.any_horizontal(
            [imp.text(c) != "" for c in ("provider", "indicator", "period", "numerator", "denominator")]
        )
    )
    result.rows_read = frame.height
    if not frame.height:
        return _fail(result, 0, "Filen indeholder ingen målinger.")

    indicators = Indicator.objects.filter(Q(cluster__isnull=True) | Q(cluster=cluster), active=True)
    ind_frame = pl.DataFrame(
        [(i.code.lower(), i.pk, i.unit) for i in indicators],
        schema={"indicator_key": pl.String, "indicator_id": pl.Int64, "unit": pl.String},
        orient="row",
    )
    unit_text = imp.text("provider").str.to_lowercase()
    region_frame = pl.DataFrame(
        list(REGION_NAMES.items()), schema={"unit_key": pl.String, "region": pl.String}, orient="row"
    )
    practices = _practice_frame(cluster)
    parsed = (
        frame.with_columns(
            *imp.period_columns(),
            provider_number=imp.provider(),
            indicator_key=imp.text("indicator").str.to_lowercase(),
            unit_key=unit_text.str.replace(r"^region\s+", "region "),
            numerator_value=imp.number("numerator", danish=info.separator == ";"),
            denominator_value=imp.number("denominator", danish=info.separator == ";"),
        )
        .join(ind_frame, on="indicator_key", how="left")
        .join(practices, on="provider_number", how="left")
        .join(region_frame, on="unit_key", how="left")
        .with_columns(is_national=pl.col("unit_key").is_in(list(NATIONAL_NAMES)))
    )
    if national:
        unit_problem = imp.problem(
            pl.col("practice_id").is_null() & pl.col("region").is_null() & ~pl.col("is_national"),
            pl.format(
                "»{}« er hverken »hele landet«, en region eller et kendt ydernummer", imp.text("provider")
            ),
        )
    else:
        unit_problem = imp.problem(
            pl.col("practice_id").is_null(),
            pl.when(pl.col("provider_number").is_null())
            .then(pl.format("ydernummer »{}« skal være 6 cifre", imp.text("provider")))
            .otherwise(pl.format("ydernummer {} er ikke med i klyngen", pl.col("provider_number"))),
        )
    needs_den = pl.col("unit") != Unit.COUNT
    problems = [
        unit_problem,
        imp.problem(
            pl.col("indicator_id").is_null(), pl.format("ukendt indikator »{}«", imp.text("indicator"))
        ),
        imp.period_problem(),
        imp.count_problem("numerator", "numerator_value", "tæller", whole=False),
        imp.problem(
            needs_den.fill_null(False) & pl.col("denominator_value").is_null(),
            pl.format("nævner »{}« skal være et tal over 0", imp.text("denominator")),
        ),
        imp.problem(pl.col("denominator_value") <= 0, "nævneren skal være over 0"),
        imp.bound_problem("denominator", "denominator_value", "nævner"),
        imp.problem(
            (pl.col("unit") == Unit.PERCENT) & (pl.col("numerator_value") > pl.col("denominator_value")),
            "tælleren er større end nævneren",
        ),
    ]
    parsed = parsed.with_columns(
        level=pl.when(pl.col("practice_id").is_not_null())
        .then(pl.lit(Level.PRACTICE))
        .when(pl.col("region").is_not_null())
        .then(pl.lit(Level.REGION))
        .otherwise(pl.lit(Level.NATIONAL)),
    ).with_columns(
        scope=pl.when(pl.col("level") == Level.PRACTICE)
        .then(pl.format("p{}", pl.col("practice_id")))
        .when(pl.col("level") == Level.REGION)
        .then(pl.format("r{}", pl.col("region")))
        .otherwise(pl.lit("n"))
    )
    duplicate = pl.col("line").min().over(["indicator_id", "scope", "period_start", "granularity"])
    problems.append(
        imp.problem(
            pl.col("indicator_id").is_not_null()
            & pl.col("period_start").is_not_null()
            & (duplicate != pl.col("line")),
            pl.format("samme praksis, indikator og periode som linje {}", duplicate),
        )
    )
    checked = parsed.with_columns(imp.errors_expr(problems))
    bad = checked.filter(pl.col("error").is_not_null()).select("line", "error").sort("line")
    if bad.height:
        result.errors = imp.error_rows(bad.head(imp.MAX_ERRORS))
        return result
    rows = checked.select(
        "indicator_id",
        "level",
        "scope",
        "practice_id",
        pl.lit(None, dtype=pl.Int64).alias("cluster_id"),
        pl.col("region").fill_null(""),
        "period_start",
        "granularity",
        pl.col("numerator_value").alias("numerator"),
        pl.when(needs_den).then(pl.col("denominator_value")).alias("denominator"),
    )
    return _write(
        rows=rows,
        result=result,
        cluster=cluster,
        kind=ImportLog.Kind.MEASUREMENTS,
        info=info,
        by=by,
        started=started,
    )


def _prescription_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(cluster__isnull=True, active=True, source_kind=Source.PRESCRIPTIONS))


def prescriptions_aggregate(
    *, info: imp.FileInfo, patients_info: imp.FileInfo, indicators: list[Indicator]
) -> tuple[list[tuple[int, str]], int, pl.DataFrame | None]:
    """(errors, rows read, indicator rows per ydernummer/period) from the two files.

    The prescription file is scanned once by the streaming engine: rows are checked, filtered to the
    catalogue's ATC prefixes and summed per practice, period and ATC code before anything is collected.
    """
    terms = terms_of(indicators)
    prefixes = sorted({t.prefix for t in terms})
    keys_raw = ["provider", "period"]
    numeric = ("prescriptions", "persons", "ddd")

    def queries(base: pl.LazyFrame, numbers: list[pl.Expr], *, normalise: bool) -> list[pl.LazyFrame]:
        """Two streaming passes: the catalogue's ATC codes summed per practice, period and code; and per
        practice and period the row count, first line and the number of rows with a bad number or code."""
        # Normalising every code (strip, upper case) triples the time of a pass, so the fast path reads
        # codes as written; a file with any odd code or number goes through the text path instead.
        atc = pl.col("atc").str.strip_chars().str.to_uppercase() if normalise else pl.col("atc")
        relevant = pl.any_horizontal([atc.str.starts_with(p) for p in prefixes])
        bad_number = pl.any_horizontal(
            [
                pl.col(c).is_null() | (pl.col(c) < 0) | ~pl.col(c).is_finite() | (pl.col(c) > imp.MAX_COUNT)
                for c in ("recepter", "personer", "ddd")
            ]
            + [pl.col(c) != pl.col(c).floor() for c in ("recepter", "personer")]
        )
        bad_atc = ~atc.str.contains(r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$")
        summed = (
            base.filter(relevant)
            .with_columns(*numbers, atc.alias("atc"))
            .group_by([*keys_raw, "atc"])
            .agg(pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum())
        )
        checked = (
            base.with_columns(numbers)
            .with_columns(bad=bad_number | bad_atc)
            .group_by(keys_raw)
            .agg(
                pl.col("line").min().alias("first_line"),
                pl.len().alias("n"),
                pl.col("bad").sum().alias("bad"),
            )
        )
        return [checked, summed]

    typed = imp.scan_typed(info, imp.PRESCRIPTION_HEADERS, numeric)

    def string_numbers() -> list[pl.Expr]:
        return [
            imp.whole_number("prescriptions").alias("recepter"),
            imp.whole_number("persons").alias("personer"),
            imp.number("ddd", danish=info.separator == ";").alias("ddd"),
        ]

    base = None
    raw_keys = summed = None
    if typed is not None:
        try:
            raw_keys, summed = pl.collect_all(
                queries(
                    typed,
                    [
                        pl.col("prescriptions").alias("recepter"),
                        pl.col("persons").alias("personer"),
                        pl.col("ddd"),
                    ],
                    normalise=False,
                ),
                engine="streaming",
            )
        except pl.exceptions.PolarsError:
            raw_keys = summed = None
        else:
            if int(raw_keys["bad"].sum() or 0):
                raw_keys = summed = None
    if raw_keys is None:
        base = imp.scan_table(info, imp.PRESCRIPTION_HEADERS, ("provider", "period", "atc", *numeric))
        raw_keys, summed = pl.collect_all(queries(base, string_numbers(), normalise=True), engine="streaming")
    rows_read = int(raw_keys["n"].sum() or 0)
    keys = ["provider_number", "period_start", "granularity"]
    key_map = raw_keys.with_columns(*imp.period_columns(), provider_number=imp.provider())
    bad_keys = key_map.filter(pl.col("provider_number").is_null() | pl.col("period_start").is_null())
    errors = pl.DataFrame(schema={"line": pl.Int64, "error": pl.String})
    if bad_keys.height or int(raw_keys["bad"].sum() or 0):
        # A second pass, only when something is wrong, reads every cell as text and names each bad line.
        base = imp.scan_table(info, imp.PRESCRIPTION_HEADERS, ("provider", "period", "atc", *numeric))
        errors = (
            base.with_columns(*string_numbers(), *imp.period_columns(), provider_number=imp.provider())
            .with_columns(
                imp.errors_expr(
                    [
                        imp.provider_problem(),
                        imp.period_problem(),
                        imp.problem(
                            ~imp.text("atc")
                            .str.to_uppercase()
                            .str.contains(r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$"),
                            pl.format("ATC-kode »{}« er ikke gyldig", imp.text("atc")),
                        ),
                        imp.count_problem("prescriptions", "recepter", "recepter", whole=True),
                        imp.count_problem("persons", "personer", "personer", whole=True),
                        imp.count_problem("ddd", "ddd", "ddd", whole=False),
                    ]
                )
            )
            .filter(pl.col("error").is_not_null())
            .select("line", "error")
            .head(imp.MAX_ERRORS)
            .collect(engine="streaming")
            .sort("line")
        )
    summed = (
        summed.join(key_map.select(*keys_raw, *keys), on=keys_raw, how="inner")
        .with_columns(atc_code=imp.text("atc").str.to_uppercase())
        .group_by([*keys, "atc_code"])
        .agg(pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum())
    )
    pairs = key_map.group_by(keys).agg(pl.col("first_line").min())

    pt = imp.scan_table(patients_info, imp.PATIENT_HEADERS, ("provider", "period", "patients")).collect()
    pt = pt.with_columns(
        *imp.period_columns(), provider_number=imp.provider(), patients=imp.whole_number("patients")
    )
    pt_problems = [
        imp.provider_problem(),
        imp.period_problem(),
        imp.count_problem("patients", "patients", "tilmeldte patienter", whole=True),
        imp.problem(pl.col("patients") == 0, "tilmeldte patienter skal være over 0"),
    ]
    pt = pt.with_columns(imp.errors_expr(pt_problems))
    duplicate = pl.col("line").min().over(keys)
    pt = pt.with_columns(
        error=pl.when(
            pl.col("error").is_null() & pl.col("period_start").is_not_null() & (duplicate != pl.col("line"))
        )
        .then(pl.format("samme ydernummer og periode som linje {}", duplicate))
        .otherwise(pl.col("error"))
    )
    all_errors = [(line, f"Receptfilen: {msg[:1].upper()}{msg[1:]}") for line, msg in imp.error_rows(errors)]
    pt_bad = (
        pt.filter(pl.col("error").is_not_null()).select("line", "error").sort("line").head(imp.MAX_ERRORS)
    )
    all_errors += [(line, f"Patientfilen: {msg}") for line, msg in imp.error_rows(pt_bad)]
    if all_errors:
        return all_errors, rows_read, None
    pt = pt.select(*keys, "patients")
    missing = pairs.join(pt, on=keys, how="anti").sort("first_line").head(imp.MAX_ERRORS)
    if missing.height:
        return (
            [
                (
                    int(r["first_line"]),
                    f"Receptfilen: ydernummer {r['provider_number']} har ingen tilmeldte patienter for perioden "
                    f"{period_label(r['period_start'], r['granularity'])} i patientfilen.",
                )
                for r in missing.iter_rows(named=True)
            ],
            rows_read,
            None,
        )

    # Sum each catalogue term (ATC prefix, measure) per practice and period, one join per prefix length.
    term_frame = pl.DataFrame(
        [(t.code, t.role, t.prefix, t.measure, len(t.prefix)) for t in terms],
        schema={
            "code": pl.String,
            "role": pl.String,
            "prefix": pl.String,
            "measure": pl.String,
            "plen": pl.Int64,
        },
        orient="row",
    )
    parts = []
    for plen in term_frame["plen"].unique().to_list():
        parts.append(
            summed.with_columns(prefix=pl.col("atc_code").str.slice(0, plen)).join(
                term_frame.filter(pl.col("plen") == plen), on="prefix", how="inner"
            )
        )
    sums = (
        pl.concat(parts)
        .with_columns(
            value=pl.when(pl.col("measure") == "recepter")
            .then(pl.col("recepter"))
            .when(pl.col("measure") == "personer")
            .then(pl.col("personer"))
            .otherwise(pl.col("ddd"))
        )
        .group_by([*keys, "code", "role"])
        .agg(pl.col("value").sum())
    )
    ind_frame = pl.DataFrame(
        [(i.code, i.pk, i.denominator_kind) for i in indicators],
        schema={"code": pl.String, "indicator_id": pl.Int64, "den_kind": pl.String},
        orient="row",
    )
    grid = pt.join(ind_frame, how="cross")
    num = sums.filter(pl.col("role") == "num").select(*keys, "code", pl.col("value").alias("num"))
    den = sums.filter(pl.col("role") == "den").select(*keys, "code", pl.col("value").alias("den"))
    out = (
        grid.join(num, on=[*keys, "code"], how="left")
        .join(den, on=[*keys, "code"], how="left")
        .with_columns(
            numerator=pl.col("num").fill_null(0.0),
            denominator=pl.when(pl.col("den_kind") == DenominatorKind.LISTED_PATIENTS)
            .then(pl.col("patients"))
            .otherwise(pl.col("den").fill_null(0.0)),
        )
        .select(*keys, "indicator_id", "numerator", "denominator")
    )
    return [], rows_read, out


def prescriptions_import(
    *,
    path: Path,
    patients_path: Path,
    cluster: Cluster | None = None,
    by: Person | None = None,
    file_name: str | None = None,
    patients_file_name: str | None = None,
) -> ImportResult:
    """Computes every prescription-based catalogue indicator for every practice and period.

    With a cluster: every ydernummer must belong to the cluster. Without: a national file; practices
    not in the register are counted only in the national reference values. All or nothing.
    """
    started = time.perf_counter()
    result = ImportResult()
    indicators = _prescription_indicators()
    if not indicators:
        return _fail(result, 0, "Indikatorkataloget er ikke indlæst (klynge load-indicators).")
    info = imp.inspect_file(Path(path), file_name)
    patients_info = imp.inspect_file(Path(patients_path), patients_file_name)
    combined = imp.FileInfo(
        path=info.path,
        name=f"{info.name} + {patients_info.name}",
        digest=info.digest,
    )
    try:
        try:
            errors, rows_read, out = prescriptions_aggregate(
                info=info, patients_info=patients_info, indicators=indicators
            )
        except imp.ImportFileError as error:
            return _fail(result, 1, str(error))
    finally:
        info.cleanup()
        patients_info.cleanup()
    result.rows_read = rows_read
    if errors:
        result.errors = errors
        return result
    practices = _practice_frame(cluster)
    keys = ["provider_number", "period_start", "granularity"]
    out = out.join(practices, on="provider_number", how="left")
    if cluster is not None:
        unknown = out.filter(pl.col("practice_id").is_null())["provider_number"].unique().sort()
        if unknown.len():
            return _fail(
                result,
                0,
                f"Ydernummer {', '.join(unknown.head(20).to_list())} er ikke med i klyngen; intet er importeret.",
            )
    result.skipped_practices = out.filter(pl.col("practice_id").is_null())["provider_number"].n_unique()
    practice_rows = out.filter(pl.col("practice_id").is_not_null()).select(
        "indicator_id",
        pl.lit(Level.PRACTICE).alias("level"),
        pl.format("p{}", pl.col("practice_id")).alias("scope"),
        "practice_id",
        pl.lit(None, dtype=pl.Int64).alias("cluster_id"),
        pl.lit("").alias("region"),
        "period_start",
        "granularity",
        "numerator",
        "denominator",
    )
    frames = [practice_rows]
    if cluster is None:
        national = (
            out.group_by(["indicator_id", *keys[1:]])
            .agg(pl.col("numerator").sum(), pl.col("denominator").sum())
            .select(
                "indicator_id",
                pl.lit(Level.NATIONAL).alias("level"),
                pl.lit("n").alias("scope"),
                pl.lit(None, dtype=pl.Int64).alias("practice_id"),
                pl.lit(None, dtype=pl.Int64).alias("cluster_id"),
                pl.lit("").alias("region"),
                "period_start",
                "granularity",
                "numerator",
                "denominator",
            )
        )
        frames.append(national)
    rows = pl.concat(frames)
    return _write(
        rows=rows,
        result=result,
        cluster=cluster,
        kind=ImportLog.Kind.PRESCRIPTIONS,
        info=combined,
        by=by,
        started=started,
    )


# Members' own counts -----------------------------------------------------------------------------


@transaction.atomic
def measurement_enter(
    *,
    indicator: Indicator,
    practice: Practice,
    period: str,
    numerator: float,
    denominator: float | None,
    by: Person | None,
) -> Measurement:
    """A practice enters its own count for a self-reported indicator and one period (replacing an earlier one)."""
    if indicator.source_kind == Source.PRESCRIPTIONS:
        raise ServiceError("Receptbaserede indikatorer beregnes fra receptdata og indtastes ikke.")
    frame = pl.DataFrame({"period": [period]}).with_columns(imp.period_columns())
    start, granularity = frame["period_start"][0], frame["granularity"][0]
    if start is None:
        raise ServiceError({"period": "Skriv perioden som 2024, 2024-Q1 eller 2024-03."})
    for name, value in (("numerator", numerator), ("denominator", denominator)):
        if value is not None and (not math.isfinite(value) or abs(value) > imp.MAX_COUNT):
            raise ServiceError({name: f"Tallet er for stort; højst {imp.MAX_COUNT:,.0f}.".replace(",", ".")})
    if (
        numerator is None
        or numerator < 0
        or (indicator.unit != Unit.COUNT and not numerator == int(numerator))
    ):
        raise ServiceError({"numerator": "Tælleren skal være et helt tal på 0 eller mere."})
    if indicator.unit != Unit.COUNT:
        if denominator is None or denominator <= 0:
            raise ServiceError({"denominator": "Nævneren skal være over 0."})
        if indicator.unit == Unit.PERCENT and numerator > denominator:
            raise ServiceError({"numerator": "Tælleren kan ikke være større end nævneren."})
    else:
        denominator = None
    scope = f"p{practice.pk}"
    old = Measurement.objects.filter(
        indicator=indicator, scope=scope, period_start=start, granularity=granularity
    ).first()
    log = ImportLog.objects.create(
        cluster=indicator.cluster,
        kind=ImportLog.Kind.ENTRY,
        by=by,
        file_name=f"{indicator.code} {period_label(start, granularity)}",
        rows_read=1,
        rows_written=1,
        rows_created=0 if old else 1,
        rows_replaced=1 if old else 0,
        replaced_values=[{"før": [old.numerator, old.denominator], "nu": [numerator, denominator]}]
        if old
        else [],
    )
    measurement, _ = Measurement.objects.update_or_create(
        indicator=indicator,
        scope=scope,
        period_start=start,
        granularity=granularity,
        defaults={
            "level": Level.PRACTICE,
            "practice": practice,
            "numerator": float(numerator),
            "denominator": None if denominator is None else float(denominator),
            "import_log": log,
        },
    )
    return measurement


def is_whole(value: float) -> bool:
    return math.isfinite(value) and value == int(value)


__all__ = [
    "Granularity",
    "ImportResult",
    "cluster_open_data_set",
    "indicator_create",
    "indicators_load_catalogue",
    "measurement_enter",
    "measurements_import",
    "prescriptions_import",
]
