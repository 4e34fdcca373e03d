"""Writes of the quality app: the catalogue, imports (all or nothing, idempotent), entries, settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Q

from klynge.core import services as core_services
from klynge.core.models import Cluster, Person, Practice, Region
from klynge.core.services import ServiceError

from . import catalogue, models, storing
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
    # The earlier import of the very same files when nothing they were computed from has changed since:
    # the files are then recognised by their digests and not read again.
    same_as: ImportLog | None = None
    # Seconds of each step ("read": parse and compute, "write": stage, compare and merge, "commit").
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> bool:
        return bool(self.created or self.replaced)


def _fail(result: ImportResult, line: int, message: str) -> ImportResult:
    result.errors.append((line, message))
    return result


WRITE_SCHEMA = storing.SCHEMA
_CODE_DIGEST: list[str] = []


def _code_digest() -> str:
    """The importer's own code: a changed importer may compute other values from the same files."""
    if not _CODE_DIGEST:
        digest = hashlib.sha256()
        for module in (imp, storing, catalogue, models):
            digest.update(Path(module.__file__).read_bytes())
        digest.update(Path(__file__).read_bytes())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def _basis(*, kind: str, cluster: Cluster | None, indicators: list[tuple], practices: pl.DataFrame) -> str:
    """A digest of everything besides the files that an import's values are computed from."""
    digest = hashlib.sha256()
    for part in (_code_digest(), kind, str(cluster.pk if cluster else "-"), repr(sorted(indicators))):
        digest.update(part.encode() + b"\0")
    digest.update(practices.sort(pl.all()).write_csv().encode())
    return digest.hexdigest()


def _fingerprint(basis: str, digests: imp.Digests) -> str:
    return hashlib.sha256("\0".join([basis, *digests.digests]).encode()).hexdigest()


def _same_import(*, kind: str, cluster: Cluster | None, digests: imp.Digests, basis: str) -> ImportLog | None:
    """The earlier import whose values are still exactly what the same files would give now.

    Only the newest log counts: any later import or entry may have replaced some of its values, and a
    changed catalogue, register or importer changes the basis. The files' sizes are compared before
    their digests are waited for, so a new file is never held up by hashing."""
    last = ImportLog.objects.order_by("-pk").first()
    if (
        last is None
        or not last.fingerprint
        or last.kind != kind
        or last.cluster_id != (cluster.pk if cluster else None)
        or last.file_bytes != digests.bytes
    ):
        return None
    return last if last.fingerprint == _fingerprint(basis, digests) else None


def _skipped(result: ImportResult, log: ImportLog, started: float) -> ImportResult:
    result.same_as = log
    result.rows_read = log.rows_read
    result.unchanged = log.rows_created + log.rows_replaced + log.rows_unchanged
    result.seconds = time.perf_counter() - started
    return result


def _write(
    *,
    rows: pl.DataFrame,
    result: ImportResult,
    cluster: Cluster | None,
    kind: str,
    file_name: str,
    digests: imp.Digests,
    basis: str,
    by: Person | None,
    started: float,
) -> ImportResult:
    """Upserts the indicator rows in one transaction: only new and changed values are written, the
    replaced ones are logged (quality/storing.py does the SQL). The files' digests are waited for only
    when the log is written, so hashing overlaps the staging."""
    if rows.is_empty():
        return result
    result.timings["read"] = time.perf_counter() - started
    with storing.page_cache(), transaction.atomic():
        storing.stage(rows)
        result.created, result.replaced, result.unchanged = storing.differences()
        if not result.changed:
            storing.drop()
            result.seconds = time.perf_counter() - started
            return result
        storing.check_references(rows)
        log = ImportLog.objects.create(
            cluster=cluster,
            kind=kind,
            by=by,
            file_name=file_name[:300],
            digest=digests.digests[0],
            rows_read=result.rows_read,
            rows_written=result.created + result.replaced,
            rows_created=result.created,
            rows_replaced=result.replaced,
            rows_unchanged=result.unchanged,
            replaced_values=_replaced_values(storing.replaced(REPLACED_KEPT)) if result.replaced else [],
            file_bytes=digests.bytes,
            fingerprint=_fingerprint(basis, digests),
        )
        storing.merge(log_id=log.pk, all_new=not (result.replaced or result.unchanged))
        storing.drop()
        log.seconds = time.perf_counter() - started
        log.save(update_fields=["seconds"])
        committing = time.perf_counter()
        result.timings["write"] = committing - started - result.timings["read"]
    result.timings["commit"] = time.perf_counter() - committing
    result.seconds = time.perf_counter() - started
    result.log = log
    return result


def _replaced_values(rows: list[tuple]) -> list[dict]:
    """The log's sample of replaced values, with the indicator's code and the practice's ydernummer."""
    codes = dict(Indicator.objects.filter(pk__in={r[0] for r in rows}).values_list("pk", "code"))
    numbers = dict(
        Practice.objects.filter(pk__in={r[1] for r in rows if r[1]}).values_list("pk", "provider_number")
    )
    sample = []
    for indicator_id, practice_id, scope, start, granularity, old_num, old_den, num, den in rows:
        start = dt.date.fromisoformat(start) if isinstance(start, str) else start
        sample.append(
            {
                "indikator": codes.get(indicator_id),
                "enhed": numbers.get(practice_id, scope),
                "periode": period_label(start, granularity),
                "før": [_json_number(old_num), _json_number(old_den)],
                "nu": [num, den],
            }
        )
    return sample


def _json_number(value):
    """A number for the log's JSON; an infinity stored before imports refused one is written as text."""
    return value if value is None or math.isfinite(value) else str(value)


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
    kind = ImportLog.Kind.MEASUREMENTS
    digests = imp.Digests([Path(path)])
    indicators = list(Indicator.objects.filter(Q(cluster__isnull=True) | Q(cluster=cluster), active=True))
    practices = _practice_frame(cluster)
    basis = _basis(
        kind=kind,
        cluster=cluster,
        indicators=[(i.pk, i.code, i.unit) for i in indicators],
        practices=practices,
    )
    if same := _same_import(kind=kind, cluster=cluster, digests=digests, basis=basis):
        return _skipped(result, same, started)
    info = imp.inspect_file(Path(path), file_name, digest=digests.digests[0])
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

    ind_frame = pl.DataFrame(
        [(i.code.lower(), i.pk, i.unit) for i in indicators],
        schema={"indicator_key": pl.String, "indicator_id": pl.Int64, "unit": pl.String},
        orient="row",
    )
    unit_text = imp.text("provider").str.to_lowercase()
    region_frame = pl.DataFrame(
        list(REGION_NAMES.items()), schema={"unit_key": pl.String, "region": pl.String}, orient="row"
    )
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
        kind=kind,
        file_name=info.name,
        digests=digests,
        basis=basis,
        by=by,
        started=started,
    )


def _prescription_indicators() -> list[Indicator]:
    return list(Indicator.objects.filter(cluster__isnull=True, active=True, source_kind=Source.PRESCRIPTIONS))


ATC_PATTERN = r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$"
NUMERIC = ("prescriptions", "persons", "ddd")


def catalogue_prefixes(indicators: list[Indicator]) -> list[str]:
    """The catalogue's ATC prefixes that a row must start with to count at all (none inside another)."""
    prefixes = {t.prefix for t in terms_of(indicators)}
    return sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))


def _bad_numbers() -> pl.Expr:
    return pl.any_horizontal(
        [
            pl.col(c).is_null() | (pl.col(c) < 0) | ~pl.col(c).is_finite() | (pl.col(c) > imp.MAX_COUNT)
            for c in ("recepter", "personer", "ddd")
        ]
        + [pl.col(c) != pl.col(c).floor() for c in ("recepter", "personer")]
    )


def _sums() -> list[pl.Expr]:
    return [pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum(), pl.col("bad").sum()]


def _fast_groups(path: Path, prefixes: list[str]) -> tuple[pl.DataFrame, int] | None:
    """The fast path: one streaming pass in which Polars parses the numbers and reads the ATC codes into
    categories of their own. Per practice, period and ATC code of the catalogue it sums prescriptions,
    persons and DDD; of the other rows only those where the practice or period changes from the row
    before (or with a bad number) are kept, with atc null, so that every practice and period of the file
    is seen without grouping all its rows. Every number is checked per row (`bad`), every distinct code
    once, from the categories. Returns (groups, rows read), or None when the text path must read the file
    (not a CSV, not UTF-8, a value Polars cannot parse, a bad number or code)."""
    typed = imp.scan_typed(path, imp.PRESCRIPTION_HEADERS, NUMERIC, categorical=("atc",))
    if typed is None:
        return None
    typed = typed.with_columns(pl.col("prescriptions").alias("recepter"), pl.col("persons").alias("personer"))
    relevant = pl.any_horizontal([pl.col("atc").cat.starts_with(p) for p in prefixes])
    changed = pl.any_horizontal(
        [(pl.col(c) != pl.col(c).shift(1)).fill_null(True) for c in ("provider", "period")]
    )
    groups = (
        typed.with_columns(bad=_bad_numbers(), changed=changed)
        .filter(relevant | pl.col("changed") | pl.col("bad"))
        .with_columns(atc=pl.when(relevant).then(pl.col("atc")))
        .group_by("provider", "period", "atc")
        .agg(_sums())
    )
    try:
        grouped, count = pl.collect_all([groups, typed.select(pl.len())], engine="streaming")
        codes = grouped.get_column("atc").dtype.categories.to_series()
    except pl.exceptions.PolarsError:
        return None
    if int(grouped["bad"].sum() or 0) or not codes.str.contains(ATC_PATTERN).all():
        return None
    return grouped.with_columns(pl.col("atc").cast(pl.String)), int(count.item())


def _text_groups(base: pl.LazyFrame, numbers: list[pl.Expr], prefixes: list[str]) -> pl.LazyFrame:
    """The text path (every cell read as text, codes normalised): per practice, period and catalogue code
    the sums; the other rows grouped per practice and period (atc null); each group's row count (`n`),
    first line and number of rows with a bad number or code (`bad`)."""
    atc = pl.col("atc").str.strip_chars().str.to_uppercase()
    relevant = pl.any_horizontal([atc.str.starts_with(p) for p in prefixes])
    return (
        base.with_columns(*numbers)
        .with_columns(bad=_bad_numbers() | ~atc.str.contains(ATC_PATTERN), atc=pl.when(relevant).then(atc))
        .group_by("provider", "period", "atc")
        .agg(*_sums(), pl.len().alias("n"), pl.col("line").min().alias("first_line"))
    )


def _text_numbers(info: imp.FileInfo) -> list[pl.Expr]:
    return [
        imp.whole_number("prescriptions").alias("recepter"),
        imp.whole_number("persons").alias("personer"),
        imp.number("ddd", danish=info.separator == ";").alias("ddd"),
    ]


def _key_map(grouped: pl.DataFrame) -> pl.DataFrame:
    """Each ydernummer and period as written → the practice's number and the period's start and kind."""
    first_line = (
        pl.col("first_line").min()
        if "first_line" in grouped.columns
        else pl.lit(None, dtype=pl.Int64).alias("first_line")
    )
    return (
        grouped.group_by("provider", "period")
        .agg(first_line)
        .with_columns(*imp.period_columns(), provider_number=imp.provider())
    )


def _bad_keys(key_map: pl.DataFrame) -> pl.DataFrame:
    return key_map.filter(pl.col("provider_number").is_null() | pl.col("period_start").is_null())


def _prescription_errors(info: imp.FileInfo) -> list[tuple[int, str]]:
    """A second pass, only when something is wrong: every cell read as text, each bad line named."""
    base = imp.scan_table(info, imp.PRESCRIPTION_HEADERS, ("provider", "period", "atc", *NUMERIC))
    errors = (
        base.with_columns(*_text_numbers(info), *imp.period_columns(), provider_number=imp.provider())
        .with_columns(
            imp.errors_expr(
                [
                    imp.provider_problem(),
                    imp.period_problem(),
                    imp.problem(
                        ~imp.text("atc").str.to_uppercase().str.contains(ATC_PATTERN),
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
    return imp.error_rows(errors)


def prescriptions_aggregate(
    *,
    path: Path,
    patients_info: imp.FileInfo,
    indicators: list[Indicator],
    digests: imp.Digests,
    file_name: str | None = None,
    fast: bool = True,
) -> tuple[list[tuple[int, str]], int, pl.DataFrame | None]:
    """(errors, rows read, indicator rows per ydernummer/period) from the two files.

    The prescription file is scanned once by the streaming engine; only the rows of the catalogue's ATC
    codes are summed per practice, period and code before anything is collected. The fast path
    (:func:`_fast_groups`) lets Polars parse the numbers; it gives way to the text path
    (:func:`_text_groups`) when a number or code is odd, when the file is not UTF-8, when a '.' in it may
    be a Danish thousands separator, and whenever there is an error to report by line.
    """
    terms = terms_of(indicators)
    prefixes = catalogue_prefixes(indicators)
    fast_result = _fast_groups(path, prefixes) if fast else None
    if fast_result is not None and digests.dotted(0):
        fast_result = None
    info = None
    errors: list[tuple[int, str]] = []
    if fast_result is not None:
        grouped, rows_read = fast_result
    else:
        info = imp.inspect_file(path, file_name, digest=digests.digests[0])
        try:
            base = imp.scan_table(info, imp.PRESCRIPTION_HEADERS, ("provider", "period", "atc", *NUMERIC))
            grouped = _text_groups(base, _text_numbers(info), prefixes).collect(engine="streaming")
            if int(grouped["bad"].sum() or 0) or _bad_keys(_key_map(grouped)).height:
                errors = _prescription_errors(info)
        finally:
            info.cleanup()
        rows_read = int(grouped["n"].sum() or 0)
    keys = ["provider_number", "period_start", "granularity"]
    key_map = _key_map(grouped)
    if info is None and _bad_keys(key_map).height:
        return prescriptions_aggregate(
            path=path,
            patients_info=patients_info,
            indicators=indicators,
            digests=digests,
            file_name=file_name,
            fast=False,
        )
    # Each practice and period gets a number: the sums below are grouped by small integers, not by text.
    pairs = key_map.group_by(keys).agg(pl.col("first_line").min()).with_row_index("key")
    key_map = key_map.join(pairs.select(*keys, "key"), on=keys)

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
    all_errors = [(line, f"Receptfilen: {msg}") for line, msg in errors]
    pt_bad = (
        pt.filter(pl.col("error").is_not_null()).select("line", "error").sort("line").head(imp.MAX_ERRORS)
    )
    all_errors += [(line, f"Patientfilen: {msg}") for line, msg in imp.error_rows(pt_bad)]
    if all_errors:
        return all_errors, rows_read, None
    pt = pt.select(*keys, "patients")
    missing = pairs.join(pt, on=keys, how="anti")
    if missing.height and info is None:
        # The fast path has no line numbers to name.
        return prescriptions_aggregate(
            path=path,
            patients_info=patients_info,
            indicators=indicators,
            digests=digests,
            file_name=file_name,
            fast=False,
        )
    missing = missing.sort("first_line").head(imp.MAX_ERRORS)
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

    # Sum each catalogue term (ATC prefix, measure) per practice and period: the file's codes are matched
    # to the terms once (a few hundred codes), then every group of the scan joins its terms by code.
    term_frame = pl.DataFrame(
        [(t.code, t.role, t.prefix, t.measure) for t in terms],
        schema={"code": pl.String, "role": pl.String, "prefix": pl.String, "measure": pl.String},
        orient="row",
    ).with_columns(term=pl.struct("code", "role").rank("dense"))  # one number per indicator and role
    code_terms = (
        grouped.select(pl.col("atc").drop_nulls().unique())
        .join(term_frame, how="cross")
        .filter(pl.col("atc").str.starts_with(pl.col("prefix")))
        .select("atc", "term", "measure")
    )
    sums = (
        grouped.lazy()
        .filter(pl.col("atc").is_not_null())
        .join(key_map.lazy().select("provider", "period", "key"), on=["provider", "period"])
        .join(code_terms.lazy(), on="atc")
        .group_by("key", "term")
        .agg(
            pl.when(pl.col("measure") == "recepter")
            .then(pl.col("recepter"))
            .when(pl.col("measure") == "personer")
            .then(pl.col("personer"))
            .otherwise(pl.col("ddd"))
            .sum()
            .alias("value")
        )
        .join(term_frame.lazy().select("term", "code", "role").unique(), on="term")
    )
    ind_frame = pl.DataFrame(
        [(i.code, i.pk, i.denominator_kind) for i in indicators],
        schema={"code": pl.String, "indicator_id": pl.Int64, "den_kind": pl.String},
        orient="row",
    )
    num = sums.filter(pl.col("role") == "num").select("key", "code", pl.col("value").alias("num"))
    den = sums.filter(pl.col("role") == "den").select("key", "code", pl.col("value").alias("den"))
    out = (
        pt.lazy()
        .join(pairs.lazy().select(*keys, "key"), on=keys)
        .join(ind_frame.lazy(), how="cross")
        .join(num, on=["key", "code"], how="left")
        .join(den, on=["key", "code"], how="left")
        .with_columns(
            numerator=pl.col("num").fill_null(0.0),
            denominator=pl.when(pl.col("den_kind") == DenominatorKind.LISTED_PATIENTS)
            .then(pl.col("patients"))
            .otherwise(pl.col("den").fill_null(0.0)),
        )
        .select(*keys, "indicator_id", "numerator", "denominator")
        .collect()
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
    kind = ImportLog.Kind.PRESCRIPTIONS
    path, patients_path = Path(path), Path(patients_path)
    # An unchanged file is recognised by its digests and skipped. Otherwise the hashing waits until
    # Polars has parsed the file (with every core) and runs beside the writing (one core).
    digests = imp.Digests([path, patients_path], hash_now=False)
    practices = _practice_frame(cluster)
    basis = _basis(
        kind=kind,
        cluster=cluster,
        indicators=[
            (
                i.pk,
                i.code,
                i.numerator_atc,
                i.numerator_measure,
                i.denominator_kind,
                i.denominator_atc,
                i.denominator_measure,
            )
            for i in indicators
        ],
        practices=practices,
    )
    if same := _same_import(kind=kind, cluster=cluster, digests=digests, basis=basis):
        return _skipped(result, same, started)
    patients_info = imp.inspect_file(patients_path, patients_file_name)
    try:
        try:
            errors, rows_read, out = prescriptions_aggregate(
                path=path,
                patients_info=patients_info,
                indicators=indicators,
                digests=digests,
                file_name=file_name,
            )
        except imp.ImportFileError as error:
            return _fail(result, 1, str(error))
    finally:
        patients_info.cleanup()
        digests.start()
    result.rows_read = rows_read
    if errors:
        result.errors = errors
        return result
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
        kind=kind,
        file_name=f"{file_name or path.name} + {patients_file_name or patients_path.name}",
        digests=digests,
        basis=basis,
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
