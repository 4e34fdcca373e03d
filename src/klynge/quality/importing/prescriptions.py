"""The prescription and listed-patient files as indicator rows to store: one streaming pass over the
prescriptions (a fast path where Polars parses the numbers, a text path that names every bad line), the
catalogue's indicators summed per practice and period, the national reference values beside them."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from ..catalogue import terms_of
from ..models import DenominatorKind, Indicator, Level, period_label
from . import reading as imp
from .reading import Rows

ATC_PATTERN = r"^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$"
NUMERIC = ("prescriptions", "persons", "ddd")
COLUMNS = ("provider", "period", "atc", *NUMERIC)


def catalogue_prefixes(indicators: list[Indicator]) -> list[str]:
    """The catalogue's ATC prefixes that a row must start with to count at all (none inside another)."""
    prefixes = {t.prefix for t in terms_of(indicators)}
    return sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))


def _bad_numbers(whole: tuple[str, str] = ("recepter", "personer"), other: str = "ddd") -> pl.Expr:
    """A row with a number that is missing, negative, above MAX_COUNT or not finite (Polars orders NaN
    above every number, so `is_between` refuses it too), or a count that is not whole."""
    return (
        pl.all_horizontal(
            [pl.col(c).is_between(0, imp.MAX_COUNT) for c in (*whole, other)]
            + [pl.col(c).floor() == pl.col(c) for c in whole]
        )
        .not_()
        .fill_null(True)
    )


def _sums() -> list[pl.Expr]:
    return [pl.col("recepter").sum(), pl.col("personer").sum(), pl.col("ddd").sum(), pl.col("bad").sum()]


def _fast_groups(path: Path, prefixes: list[str]) -> tuple[pl.DataFrame, int] | None:
    """The fast path: one streaming pass in which Polars parses the numbers and reads the ydernumre,
    periods and ATC codes into categories of their own, so that every row is grouped by three small
    integers. Per practice, period and ATC code of the catalogue it sums prescriptions, persons and DDD;
    the other rows of a practice and period form one group (atc null), so every practice and period of
    the file is seen, and every row is counted. Every number is checked per row (`bad`), every distinct
    code once, from the categories. Nothing but the groups is held in memory (no step needs the rows in
    order). Returns (groups, rows read), or None when the text path must read the file (not a CSV, not
    UTF-8, a value Polars cannot parse, a bad number or code)."""
    typed = imp.scan_typed(path, imp.PRESCRIPTION_HEADERS, NUMERIC, categorical=("provider", "period", "atc"))
    if typed is None:
        return None
    blank = pl.all_horizontal([pl.col(c).is_null() for c in ("provider", "period", "atc", *NUMERIC)])
    relevant = pl.any_horizontal([pl.col("atc").cat.starts_with(p) for p in prefixes])
    groups = (
        typed.filter(~blank)
        .with_columns(
            bad=_bad_numbers(("prescriptions", "persons"), "ddd"), atc=pl.when(relevant).then(pl.col("atc"))
        )
        .group_by("provider", "period", "atc")
        .agg(
            pl.col("prescriptions").sum().alias("recepter"),
            pl.col("persons").sum().alias("personer"),
            pl.col("ddd").sum(),
            pl.col("bad").sum(),
            pl.len().alias("n"),
        )
    )
    try:
        grouped = groups.collect(engine="streaming")
        codes = grouped.get_column("atc").dtype.categories.to_series()
    except pl.exceptions.PolarsError:
        return None
    if int(grouped["bad"].sum() or 0) or not codes.str.contains(ATC_PATTERN).all():
        return None
    return grouped.drop("n"), int(grouped["n"].sum() or 0)


def _text_groups(base: pl.LazyFrame, numbers: list[pl.Expr], prefixes: list[str]) -> pl.LazyFrame:
    """The text path (every cell read as text, codes normalised): per practice, period and catalogue code
    the sums; the other rows grouped per practice and period (atc null); each group's row count (`n`),
    first line and number of rows with a bad number or code (`bad`)."""
    atc = pl.col("atc").str.strip_chars().str.to_uppercase()
    relevant = pl.any_horizontal([atc.str.starts_with(p) for p in prefixes])
    return (
        base.filter(imp.not_blank(COLUMNS))
        .with_columns(*numbers)
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


def _encoded(grouped: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, pl.Series]]:
    """The groups with ydernummer, period and ATC code as small integers (the categories' codes), and
    each column's text by code. The fast path's columns are categories already; the text path's become
    categories here."""
    grouped = grouped.with_columns(
        pl.col(c).cast(pl.Categorical(pl.Categories.random()))
        for c in ("provider", "period", "atc")
        if grouped.schema[c] == pl.String
    )
    labels = {
        c: grouped.schema[c].categories.to_series().alias(c)  # type: ignore[attr-defined]
        for c in ("provider", "period", "atc")
    }
    return grouped.with_columns(pl.col("provider", "period", "atc").to_physical()), labels


def _key_map(grouped: pl.DataFrame, labels: dict[str, pl.Series]) -> pl.DataFrame:
    """Each ydernummer and period as written (their codes) → the practice's number and the period's
    start and kind, and the first line they are on (text path). The texts are read once per distinct
    ydernummer and period, not per group."""
    first_line = (
        pl.col("first_line").min()
        if "first_line" in grouped.columns
        else pl.lit(None, dtype=pl.Int64).alias("first_line")
    )
    providers = (
        labels["provider"].to_frame().with_row_index("provider_code").select("provider_code", imp.provider())
    )
    providers = providers.rename({"provider": "provider_number"})
    periods = labels["period"].to_frame().with_row_index("period_code").with_columns(*imp.period_columns())
    return (
        grouped.group_by("provider", "period")
        .agg(first_line)
        .join(providers, left_on="provider", right_on="provider_code")
        .join(periods.drop("period"), left_on="period", right_on="period_code")
    )


def _bad_keys(key_map: pl.DataFrame) -> pl.DataFrame:
    return key_map.filter(pl.col("provider_number").is_null() | pl.col("period_start").is_null())


def _prescription_errors(info: imp.FileInfo) -> list[tuple[int, str]]:
    """A second pass, only when something is wrong: every cell read as text, each bad line named."""
    base = imp.scan_table(info, imp.PRESCRIPTION_HEADERS, ("provider", "period", "atc", *NUMERIC))
    errors = (
        base.filter(imp.not_blank(COLUMNS))
        .with_columns(*_text_numbers(info), *imp.period_columns(), provider_number=imp.provider())
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
        info = imp.inspect_file(path, file_name)
        try:
            base = imp.scan_table(info, imp.PRESCRIPTION_HEADERS, ("provider", "period", "atc", *NUMERIC))
            grouped = _text_groups(base, _text_numbers(info), prefixes).collect(engine="streaming")
            grouped, labels = _encoded(grouped)
            if int(grouped["bad"].sum() or 0) or _bad_keys(_key_map(grouped, labels)).height:
                errors = _prescription_errors(info)
        finally:
            info.cleanup()
        rows_read = int(grouped["n"].sum() or 0)

    def text_path():
        return prescriptions_aggregate(
            path=path,
            patients_info=patients_info,
            indicators=indicators,
            digests=digests,
            file_name=file_name,
            fast=False,
        )

    keys = ["provider_number", "period_start", "granularity"]
    if info is None:
        grouped, labels = _encoded(grouped)
    key_map = _key_map(grouped, labels)
    if info is None and _bad_keys(key_map).height:
        return text_path()
    # Each practice and period gets a number: the sums below are grouped by small integers, not by text.
    pairs = key_map.group_by(keys).agg(pl.col("first_line").min()).with_row_index("key")
    key_map = key_map.join(pairs.select(*keys, "key"), on=keys)

    pt = (
        imp.scan_table(patients_info, imp.PATIENT_HEADERS, ("provider", "period", "patients"))
        .filter(imp.not_blank(("provider", "period", "patients")))
        .collect()
    )
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
        return text_path()
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
    # to the terms once (a few hundred codes), then every group of the scan joins its terms by the code's
    # number and is summed per practice-and-period number and indicator id (integers throughout).
    ind_frame = pl.DataFrame(
        [(i.code, i.pk, i.denominator_kind == DenominatorKind.LISTED_PATIENTS) for i in indicators],
        schema={"code": pl.String, "indicator_id": pl.Int64, "listed": pl.Boolean},
        orient="row",
    ).with_row_index("ind")
    # One integer per practice-and-period and indicator: a group key Polars hashes without encoding rows.
    cell = pl.col("key").cast(pl.UInt64) * ind_frame.height + pl.col("ind").cast(pl.UInt64)
    measures = {"recepter": 0, "personer": 1}  # anything else: DDD
    term_frame = pl.DataFrame(
        [(t.code, t.role == "num", t.prefix, measures.get(t.measure, 2)) for t in terms],
        schema={"code": pl.String, "is_num": pl.Boolean, "prefix": pl.String, "measure": pl.UInt8},
        orient="row",
    ).join(ind_frame.select("code", "ind"), on="code")
    code_terms = (
        labels["atc"]
        .to_frame()
        .with_row_index("code_of_atc")
        .join(term_frame, how="cross")
        .filter(pl.col("atc").str.starts_with(pl.col("prefix")))
        .select(pl.col("code_of_atc").alias("atc"), "ind", "is_num", "measure")
    )
    value = (
        pl.when(pl.col("measure") == 0)
        .then(pl.col("recepter"))
        .when(pl.col("measure") == 1)
        .then(pl.col("personer"))
        .otherwise(pl.col("ddd"))
    )
    sums = (
        grouped.lazy()
        .filter(pl.col("atc").is_not_null())
        .join(key_map.lazy().select("provider", "period", "key"), on=["provider", "period"])
        .join(code_terms.lazy(), on="atc")
        .select(
            cell.alias("cell"),
            num=pl.when(pl.col("is_num")).then(value).otherwise(0.0),
            den=pl.when(pl.col("is_num")).then(0.0).otherwise(value),
        )
        .group_by("cell")
        .agg(pl.col("num").sum(), pl.col("den").sum())
    )
    out = (
        pt.lazy()
        .join(pairs.lazy().select(*keys, "key"), on=keys)
        .join(ind_frame.lazy().select("ind", "indicator_id", "listed"), how="cross")
        .join(sums, left_on=cell, right_on="cell", how="left")
        .with_columns(
            numerator=pl.col("num").fill_null(0.0),
            denominator=pl.when(pl.col("listed"))
            .then(pl.col("patients"))
            .otherwise(pl.col("den").fill_null(0.0)),
        )
        .select(*keys, "indicator_id", "numerator", "denominator")
        .collect()
    )
    return [], rows_read, out


def prescription_rows(
    *,
    path: Path,
    patients_info: imp.FileInfo,
    indicators: list[Indicator],
    digests: imp.Digests,
    practices: pl.DataFrame,
    in_cluster: bool,
    file_name: str | None = None,
) -> Rows:
    """Every prescription-based catalogue indicator for every practice and period, as rows of
    storing.SCHEMA, or the bad lines. With `in_cluster` every ydernummer must be one of `practices`;
    otherwise practices not in the register count only in the national reference values (added here).
    Raises ImportFileError when a file cannot be read at all."""
    result = Rows()
    errors, result.rows_read, out = prescriptions_aggregate(
        path=path, patients_info=patients_info, indicators=indicators, digests=digests, file_name=file_name
    )
    if errors:
        result.errors = errors
        return result
    keys = ["provider_number", "period_start", "granularity"]
    out = out.join(practices, on="provider_number", how="left")
    if in_cluster:
        unknown = out.filter(pl.col("practice_id").is_null())["provider_number"].unique().sort()
        if unknown.len():
            numbers = ", ".join(unknown.head(20).to_list())
            result.errors.append((0, f"Ydernummer {numbers} er ikke med i klyngen; intet er importeret."))
            return result
    result.skipped_practices = out.filter(pl.col("practice_id").is_null())["provider_number"].n_unique()

    def stored(frame: pl.DataFrame, level: str, scope: pl.Expr, practice_id: pl.Expr) -> pl.DataFrame:
        return frame.select(
            "indicator_id",
            pl.lit(level).alias("level"),
            scope.alias("scope"),
            practice_id.cast(pl.Int64).alias("practice_id"),
            pl.lit(None, dtype=pl.Int64).alias("cluster_id"),
            pl.lit("").alias("region"),
            "period_start",
            "granularity",
            "numerator",
            "denominator",
        )

    practices_only = out.filter(pl.col("practice_id").is_not_null())
    frames = [
        stored(practices_only, Level.PRACTICE, pl.format("p{}", pl.col("practice_id")), pl.col("practice_id"))
    ]
    if not in_cluster:
        national = out.group_by(["indicator_id", *keys[1:]]).agg(
            pl.col("numerator").sum(), pl.col("denominator").sum()
        )
        frames.append(stored(national, Level.NATIONAL, pl.lit("n"), pl.lit(None, dtype=pl.Int64)))
    result.frame = pl.concat(frames)
    return result
