"""Writes of the quality app: the catalogue, imports (all or nothing, idempotent), entries, settings."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import polars as pl
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from klynge.core import dates
from klynge.core import services as core_services
from klynge.core.models import Cluster, Person, Practice
from klynge.core.services import ServiceError

from . import cache as data_cache
from . import catalogue, models, storing
from .catalogue import read_catalogue
from .importing import measurements, prescriptions
from .importing import reading as imp
from .importing.measurements import measurement_rows
from .importing.prescriptions import prescription_rows
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

# The units a cluster's members can count by hand. DDD per 1,000 patients per day needs the doses of
# every prescription, which come from the prescription data, never from a member's own count.
OWN_INDICATOR_UNITS = (Unit.PERCENT, Unit.PER_1000_YEAR, Unit.COUNT)
OWN_INDICATOR_UNIT_REFUSED = "Vælg procent, pr. 1.000 tilmeldte pr. år eller antal."

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
    # First: the API has always answered a wrong unit before any other problem with the indicator.
    if unit not in OWN_INDICATOR_UNITS:
        raise ServiceError({"unit": OWN_INDICATOR_UNIT_REFUSED})
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
    stamp = f"{dates.short_date(dates.today())}, {by.name if by else 'ukendt'}: {reason}"
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


_CODE_DIGEST: list[str] = []


def _code_digest() -> str:
    """The importer's own code: a changed importer may compute other values from the same files."""
    if not _CODE_DIGEST:
        digest = hashlib.sha256()
        for module in (imp, measurements, prescriptions, storing, catalogue, models):
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
    rows: imp.Rows,
    result: ImportResult,
    cluster: Cluster | None,
    kind: str,
    file_name: str,
    digests: imp.Digests,
    basis: str,
    by: Person | None,
    started: float,
) -> ImportResult:
    """Reports the pipeline's bad lines, or stores its rows in one transaction: only new and changed
    values are written, the replaced ones are logged (quality/storing.py does the SQL). The files' digests
    are waited for only when the log is written, so hashing overlaps the staging."""
    result.rows_read, result.skipped_practices = rows.rows_read, rows.skipped_practices
    if rows.errors:
        result.errors = rows.errors
        return result
    if rows.frame is None or rows.frame.is_empty():
        return result
    frame = rows.frame
    result.timings["read"] = time.perf_counter() - started
    new_log = partial(
        _log, result=result, cluster=cluster, kind=kind, by=by, file_name=file_name, digests=digests
    )
    with storing.page_cache(), transaction.atomic():
        if storing.nothing_stored(frame):
            # Nothing stored for these indicators, units and periods (a first import, a new year): every
            # value is new, so nothing is staged or compared. The log is written first (the values carry
            # its id) and gets the files' digests at the end, so the hashing still runs beside the writing.
            result.created = frame.height
            storing.check_references(frame)
            log = new_log()
            storing.insert(frame, log_id=log.pk)
        else:
            storing.stage(frame)
            result.created, result.replaced, result.unchanged = storing.differences()
            if not result.changed:
                storing.drop()
                result.seconds = time.perf_counter() - started
                return result
            storing.check_references(frame)
            log = new_log(
                replaced_values=_replaced_values(storing.replaced(REPLACED_KEPT)) if result.replaced else []
            )
            storing.merge(log_id=log.pk, all_new=not (result.replaced or result.unchanged))
            storing.drop()
        log.digest, log.fingerprint = digests.digests[0], _fingerprint(basis, digests)
        log.seconds = time.perf_counter() - started
        log.save(update_fields=["digest", "fingerprint", "seconds"])
        committing = time.perf_counter()
        result.timings["write"] = committing - started - result.timings["read"]
    result.timings["commit"] = time.perf_counter() - committing
    result.seconds = time.perf_counter() - started
    result.log = log
    return result


def _log(*, result: ImportResult, cluster, kind, by, file_name, digests, replaced_values=()) -> ImportLog:
    """The import's log; its digest and fingerprint are filled in when the files are hashed."""
    return ImportLog.objects.create(
        cluster=cluster,
        kind=kind,
        by=by,
        file_name=file_name[:300],
        rows_read=result.rows_read,
        rows_written=result.created + result.replaced,
        rows_created=result.created,
        rows_replaced=result.replaced,
        rows_unchanged=result.unchanged,
        replaced_values=list(replaced_values),
        file_bytes=digests.bytes,
    )


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
    info = imp.inspect_file(Path(path), file_name)
    try:
        rows = measurement_rows(
            info,
            indicators=[(i.code, i.pk, i.unit) for i in indicators],
            practices=practices,
            national=national,
        )
    except imp.ImportFileError as error:
        return _fail(result, 1, str(error))
    finally:
        info.cleanup()
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
        rows = prescription_rows(
            path=path,
            patients_info=patients_info,
            indicators=indicators,
            digests=digests,
            practices=practices,
            in_cluster=cluster is not None,
            file_name=file_name,
        )
    except imp.ImportFileError as error:
        return _fail(result, 1, str(error))
    finally:
        patients_info.cleanup()
        digests.start()
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
