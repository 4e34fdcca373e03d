"""Synthetic prescription aggregates and listed patients in the import formats (Danish CSV: ';', decimal comma).

Vectorised with Polars only: random numbers come from seeded hashes of the row keys, so the same seed
gives the same files, and a national year (2,000 practices × 600 ATC codes × 12 months) takes seconds.
Levels are plausible for Danish general practice: about 450 antibiotic prescriptions per 1,000 listed
patients a year with a winter peak, penicillin V about 30 % of them, and variation between practices.
Some practices have a real shift (from the middle of the series: more penicillin V, fewer antibiotics,
less tramadol) or a steady trend (falling opioids).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import polars as pl

# (ATC code, group, share of the group's prescriptions, DDD per prescription, persons per prescription)
CATALOGUE_CODES = [
    ("J01CE02", "J01", None, 8.0, 0.97),  # penicillin V: share set per practice
    ("J01CA04", "J01", 0.16, 9.0, 0.97),
    ("J01CR02", "J01", 0.08, 8.0, 0.97),
    ("J01CF05", "J01", 0.06, 9.0, 0.95),
    ("J01FA09", "J01", 0.06, 7.0, 0.97),
    ("J01FA01", "J01", 0.03, 7.0, 0.97),
    ("J01MA02", "J01", 0.05, 7.0, 0.96),
    ("J01XE01", "J01", 0.10, 5.0, 0.93),
    ("J01EA01", "J01", 0.09, 5.0, 0.93),
    ("J01AA02", "J01", 0.05, 10.0, 0.95),
    ("J01AA04", "J01", 0.02, 10.0, 0.95),
    ("J02AC01", "J02", 1.0, 1.2, 0.95),
    ("N02AX02", "N02A", 0.33, 25.0, 0.8),
    ("N02AA05", "N02A", 0.27, 20.0, 0.8),
    ("N02AA01", "N02A", 0.14, 20.0, 0.8),
    ("N02AJ06", "N02A", 0.16, 12.0, 0.85),
    ("N02AB03", "N02A", 0.05, 30.0, 0.9),
    ("N02AE01", "N02A", 0.05, 28.0, 0.9),
    ("N03AX12", "N03", 0.55, 35.0, 0.85),
    ("N03AX16", "N03", 0.45, 35.0, 0.85),
    ("C10AA05", "C10", 0.45, 90.0, 0.9),
    ("C10AA01", "C10", 0.40, 90.0, 0.9),
    ("C10AA07", "C10", 0.15, 90.0, 0.9),
    ("M05BA04", "M05", 0.85, 84.0, 0.95),
    ("M05BX04", "M05", 0.15, 180.0, 0.98),
]
# Prescriptions per 1,000 listed patients per year for each group (before practice variation).
GROUP_RATES = {"J01": 450.0, "J02": 40.0, "N02A": 150.0, "N03": 60.0, "C10": 450.0, "M05": 45.0}
GROUP_SEASON = {"J01": 0.28, "J02": 0.0, "N02A": 0.03, "N03": 0.0, "C10": 0.0, "M05": 0.0}
GROUP_SPREAD = {"J01": 0.18, "J02": 0.35, "N02A": 0.3, "N03": 0.3, "C10": 0.12, "M05": 0.25}
FILLER_LETTERS = "ABDGHLPRSV"  # no C, J, M or N: fillers never fall under a catalogue prefix


@dataclass
class GeneratedFiles:
    prescriptions: Path
    patients: Path
    measurements: Path
    rows: int
    shifted: list[str]


def _key(*keys: pl.Expr) -> pl.Expr:
    if len(keys) == 1:
        return keys[0]
    return pl.concat_str([k.cast(pl.String) for k in keys], separator="|")


def _uniform(*keys: pl.Expr, seed: int) -> pl.Expr:
    """A uniform number in (0, 1) from a seeded hash of the keys."""
    h = _key(*keys).hash(seed=seed)
    return ((h // 2048).cast(pl.Float64) + 0.5) / float(2**53)


def _normal(*keys: pl.Expr, seed: int) -> pl.Expr:
    """A standard normal number (Box-Muller) from one seeded 64-bit hash split into two 32-bit halves."""
    h = _key(*keys).hash(seed=seed)
    u1 = ((h // 2**32).cast(pl.Float64) + 0.5) / 2.0**32
    u2 = ((h % 2**32).cast(pl.Float64) + 0.5) / 2.0**32
    return (-2.0 * u1.log()).sqrt() * (2 * math.pi * u2).cos()


def _filler_codes(n: int) -> list[str]:
    codes = []
    for i in range(n):
        letter = FILLER_LETTERS[i % len(FILLER_LETTERS)]
        j = i // len(FILLER_LETTERS)
        codes.append(
            f"{letter}{1 + j % 16:02d}{'ABCDEFGH'[j // 16 % 8]}{'ABCDEFGHX'[j // 128 % 9]}{1 + j % 7:02d}"
        )
    return sorted(set(codes))


def default_provider_numbers(n: int, seed: int) -> list[str]:
    return [f"{100000 + (seed * 7919 + i * 37) % 890000:06d}" for i in range(n)]


def generate(
    *,
    out: Path,
    practices: int = 30,
    months: int = 60,
    seed: int = 1,
    provider_numbers: list[str] | None = None,
    start: dt.date | None = None,
    n_atc: int = 600,
    shifted: list[str] | None = None,
    listed_patients: dict[str, int] | None = None,
) -> GeneratedFiles:
    """Writes recepter.csv, tilmeldte.csv and maalinger.csv (self-reported certificates) into `out`."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    numbers = list(provider_numbers) if provider_numbers else default_provider_numbers(practices, seed)
    if start is None:
        today = dt.date.today()
        first = today.year * 12 + today.month - 1 - months
        start = dt.date(first // 12, first % 12 + 1, 1)
    month_index = pl.DataFrame({"m": list(range(months))})
    month_frame = (
        month_index.with_columns(
            abs_month=pl.col("m") + start.year * 12 + start.month - 1,
        )
        .with_columns(
            year=pl.col("abs_month") // 12,
            month=pl.col("abs_month") % 12 + 1,
        )
        .with_columns(
            periode=pl.format("{}-{}", pl.col("year"), pl.col("month").cast(pl.String).str.zfill(2)),
            season=(2 * math.pi * (pl.col("month") - 1) / 12).cos(),
        )
    )
    # Practices: size, and who has a real shift (5 % of them, or those named) or a trend (another 5 %).
    pf = pl.DataFrame({"ydernummer": numbers}).with_row_index("pi")
    shifted_set = set(shifted or [])
    pf = pf.with_columns(
        u_size=_uniform(pl.col("ydernummer"), pl.lit("size"), seed=seed),
        u_kind=_uniform(pl.col("ydernummer"), pl.lit("kind"), seed=seed),
        penv=0.30 + 0.07 * _normal(pl.col("ydernummer"), pl.lit("penv"), seed=seed).clip(-2.5, 2.5),
    ).with_columns(
        patients=(1200 + 3400 * pl.col("u_size")).round(0).cast(pl.Int64),
        shift=pl.col("ydernummer").is_in(list(shifted_set)) if shifted_set else pl.col("u_kind") < 0.05,
        trend=(pl.col("u_kind") >= 0.05)
        & (pl.col("u_kind") < 0.10)
        & ~pl.col("ydernummer").is_in(list(shifted_set)),
    )
    if listed_patients:
        given = pl.DataFrame(
            list(listed_patients.items()), schema={"ydernummer": pl.String, "given": pl.Int64}, orient="row"
        )
        pf = (
            pf.join(given, on="ydernummer", how="left")
            .with_columns(patients=pl.coalesce("given", "patients"))
            .drop("given")
        )
    half = months // 2
    pm = pf.join(month_frame, how="cross").with_columns(
        after=pl.col("shift") & (pl.col("m") >= half),
        tilmeldte=(pl.col("patients") * (1 + 0.0008 * pl.col("m"))).round(0).cast(pl.Int64),
    )
    patients_out = out / "tilmeldte.csv"
    pm.select("ydernummer", "periode", pl.col("tilmeldte").alias("tilmeldte_patienter")).write_csv(
        patients_out, separator=";"
    )

    codes = pl.DataFrame(
        CATALOGUE_CODES,
        schema={
            "atc": pl.String,
            "group": pl.String,
            "weight": pl.Float64,
            "ddd_rx": pl.Float64,
            "pers": pl.Float64,
        },
        orient="row",
    )
    fillers = _filler_codes(max(0, n_atc - len(CATALOGUE_CODES)))
    filler = (
        pl.DataFrame({"atc": fillers})
        .with_row_index("fi")
        .with_columns(
            group=pl.lit("OTHER"),
            weight=0.5 + 2.0 / (pl.col("fi").cast(pl.Float64) + 1.0),
            ddd_rx=pl.lit(30.0),
            pers=pl.lit(0.9),
        )
        .drop("fi")
    )
    atc = pl.concat([codes, filler])
    group_rate = pl.DataFrame(
        {
            "group": [*GROUP_RATES, "OTHER"],
            "rate": [*GROUP_RATES.values(), 1200.0],
            "amp": [*GROUP_SEASON.values(), 0.05],
            "spread": [*GROUP_SPREAD.values(), 0.2],
        }
    )
    atc = (
        atc.join(group_rate, on="group", how="left")
        .with_row_index("ai")
        .with_columns(gi=pl.col("group").rank("dense").cast(pl.Int64))
    )
    j01_rest = sum(w for c, g, w, _, _ in CATALOGUE_CODES if g == "J01" and w is not None)

    prescriptions_out = out / "recepter.csv"
    total_rows = 0
    with prescriptions_out.open("wb") as handle:
        for chunk_start in range(0, months, 3):
            chunk = pm.filter(pl.col("m").is_between(chunk_start, chunk_start + 2))
            frame = chunk.join(atc, how="cross")
            row_key = (pl.col("pi").cast(pl.UInt64) * 1024 + pl.col("ai").cast(pl.UInt64)) * 1024 + pl.col(
                "m"
            ).cast(pl.UInt64)
            effect = (
                pl.col("spread") * _normal(pl.col("pi").cast(pl.UInt64) * 64 + pl.col("gi"), seed=seed + 1)
            ).exp()
            penv = pl.col("penv") + pl.when(pl.col("after")).then(0.14).otherwise(0.0)
            weight = (
                pl.when(pl.col("atc") == "J01CE02")
                .then(penv)
                .when(pl.col("group") == "J01")
                .then(pl.col("weight") / j01_rest * (1 - penv))
                .when(pl.col("group") == "OTHER")
                .then(pl.col("weight") / 10.0)
                .otherwise(pl.col("weight"))
            )
            change = (
                pl.when(pl.col("after") & (pl.col("group") == "J01"))
                .then(0.78)
                .when(pl.col("after") & (pl.col("atc") == "N02AX02"))
                .then(0.55)
                .when(pl.col("trend") & (pl.col("group") == "N02A"))
                .then(1.0 - 0.5 * pl.col("m") / max(months - 1, 1))
                .otherwise(1.0)
            )
            lam = (
                pl.col("rate")
                / 1000.0
                / 12.0
                * pl.col("tilmeldte")
                * weight
                * effect
                * change
                * (1 + pl.col("amp") * pl.col("season"))
            )
            noise = _normal(row_key, seed=seed + 2)
            frame = (
                frame.with_columns(lam=lam)
                .with_columns(
                    recepter=(pl.col("lam") + pl.col("lam").sqrt() * noise).round(0).clip(0).cast(pl.Int64)
                )
                .filter(pl.col("recepter") > 0)
            )
            frame = frame.with_columns(
                personer=(pl.col("recepter") * pl.col("pers")).ceil().cast(pl.Int64).clip(1),
                ddd=(
                    pl.col("recepter")
                    * pl.col("ddd_rx")
                    * (1 + 0.1 * _normal(row_key, seed=seed + 3)).clip(0.5)
                ).round(1),
            ).select("ydernummer", "periode", "atc", "recepter", "personer", "ddd")
            frame.write_csv(handle, separator=";", decimal_comma=True, include_header=total_rows == 0)
            total_rows += frame.height

    # Self-reported certificates (long format), monthly, for every practice.
    cert = pm.with_columns(
        lam=pl.col("tilmeldte") * 0.12 / 12.0,
        lam285=pl.col("tilmeldte") * 0.02 / 12.0,
    ).with_columns(
        attester=(
            pl.col("lam") + pl.col("lam").sqrt() * _normal(pl.col("ydernummer"), pl.col("m"), seed=seed + 5)
        )
        .round(0)
        .clip(0)
        .cast(pl.Int64),
        lae285=(
            pl.col("lam285")
            + pl.col("lam285").sqrt() * _normal(pl.col("ydernummer"), pl.col("m"), seed=seed + 6)
        )
        .round(0)
        .clip(0)
        .cast(pl.Int64),
    )
    measurements_out = out / "maalinger.csv"
    pl.concat(
        [
            cert.select(
                "ydernummer",
                pl.lit("attester").alias("indikator"),
                "periode",
                pl.col("attester").alias("tæller"),
                pl.col("tilmeldte").alias("nævner"),
            ),
            cert.select(
                "ydernummer",
                pl.lit("sygedagpengeattester").alias("indikator"),
                "periode",
                pl.col("lae285").alias("tæller"),
                pl.col("tilmeldte").alias("nævner"),
            ),
        ]
    ).write_csv(measurements_out, separator=";")
    return GeneratedFiles(
        prescriptions=prescriptions_out,
        patients=patients_out,
        measurements=measurements_out,
        rows=total_rows,
        shifted=pf.filter(pl.col("shift"))["ydernummer"].to_list(),
    )
