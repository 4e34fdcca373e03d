"""The long-format measurement file (ydernummer, indikator, periode, tæller, nævner) as rows to store:
every cell read as text, every check a Polars expression, every bad line named in Danish."""

from __future__ import annotations

import polars as pl

from klynge.core.models import Region

from ..models import Level, Unit
from . import reading as imp
from .reading import Rows

REGION_NAMES = {}
for _value, _label in Region.choices:
    REGION_NAMES[_value] = _value
    REGION_NAMES[str(_label).lower()] = _value
    REGION_NAMES[str(_label).lower().removeprefix("region ")] = _value
NATIONAL_NAMES = {"national", "landet", "hele landet", "dk", "danmark", "land"}


def measurement_rows(
    info: imp.FileInfo, *, indicators: list[tuple[str, int, str]], practices: pl.DataFrame, national: bool
) -> Rows:
    """The file's values as rows of storing.SCHEMA, or the bad lines (at most MAX_ERRORS).

    `indicators` are (code, id, unit) of every indicator the file may name; `practices` maps ydernummer to
    practice id (the cluster's practices, or the register for national values). With `national` a row
    names the whole country or a region instead of a practice. Raises ImportFileError when the file
    cannot be read at all."""
    result = Rows()
    lazy = imp.scan_table(info, imp.MEASUREMENT_HEADERS, ("provider", "indicator", "period", "numerator"))
    has_den = "denominator" in lazy.collect_schema().names()
    frame = lazy.collect()
    if not has_den:
        frame = frame.with_columns(denominator=pl.lit(""))
    frame = frame.filter(imp.not_blank(("provider", "indicator", "period", "numerator", "denominator")))
    result.rows_read = frame.height
    if not frame.height:
        result.errors.append((0, "Filen indeholder ingen målinger."))
        return result

    ind_frame = pl.DataFrame(
        [(code.lower(), pk, unit) for code, pk, unit in indicators],
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
    result.frame = checked.select(
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
    return result
