"""Figures for the chart tests, built without a database (fixed labels and numbers), so a chart's spec
can be compared with the one the Altair-built charts gave for the same figures (tests/quality/golden/)."""

from __future__ import annotations

import datetime as dt

from klynge.quality import selectors
from klynge.quality.models import Granularity, Indicator, period_label


def _months(n: int, first: dt.date = dt.date(2024, 1, 1)) -> list[dt.date]:
    out = []
    for i in range(n):
        index = first.year * 12 + first.month - 1 + i
        out.append(dt.date(index // 12, index % 12 + 1, 1))
    return out


def _case(indicator: Indicator, rows: list[tuple[str, float, float, bool]], series: list[float]):
    """rows: (label, numerator, exposure, own) over a 12-month window; series: the own monthly values."""
    window = selectors.Window(Granularity.MONTH, dt.date(2025, 1, 1), dt.date(2025, 12, 1))
    result = selectors.IndicatorFigures(indicator=indicator, window=window)
    figures = []
    for key, (label, num, expo, own) in enumerate(rows):
        den = expo if indicator.unit == "percent" else expo
        fig = selectors.Figure(
            label, num, den, expo, selectors.value_of(indicator, num, expo), is_own=own, key=key
        )
        fig.suppressed = selectors.hidden(indicator, num, den)
        fig.hidden = fig.suppressed and not own
        fig.exact = own
        figures.append(fig)
    result.cluster = selectors._pooled(indicator, figures)
    figures.sort(key=selectors._row_order)
    result.rows = figures
    result.own = next((f for f in figures if f.is_own), None)
    selectors._funnel(result)
    dates = _months(len(series))
    result.series = [
        {
            "period": period_label(d, Granularity.MONTH),
            "date": d.isoformat(),
            "granularity": Granularity.MONTH,
            "value": v,
        }
        for d, v in zip(dates, series, strict=True)
    ]
    if series:
        result.run, result.run_text = selectors.runs_analysis(
            indicator, list(zip(dates, series, strict=True)), "month"
        )
    return result


def cases() -> dict[str, selectors.IndicatorFigures]:
    share = Indicator(
        code="penv", name_da="Penicillin V-andel", unit="percent", kind="", direction="high", target=36.0
    )
    rate = Indicator(
        code="ab", name_da="Antibiotika pr. 1.000", unit="per_1000_year", direction="low", seasonal=True
    )
    ddd = Indicator(code="opioid", name_da="Opioider i DDD", unit="ddd_per_1000_day", direction="low")
    rows_share = [
        ("Lægehuset Øst", 310, 1000, True),
        ("Praksis K", 280, 950, False),
        ("Praksis B", 410, 1210, False),
        ("Praksis AA", 3, 8, False),
        ("Praksis Q", 150, 640, False),
    ]
    rows_rate = [
        ("Lægehuset Øst", 1210, 3400, True),
        ("Praksis C", 900, 2950, False),
        ("Praksis F", 1500, 4020, False),
        ("Praksis H", 700, 1800, False),
    ]
    rows_ddd = [
        ("Lægehuset Øst", 51000, 1_200_000, True),
        ("Praksis D", 43000, 1_050_000, False),
        ("Praksis E", 61000, 1_400_000, False),
        ("Praksis G", 38000, 900_000, False),
        ("Praksis J", 45000, 1_000_000, False),
        ("Praksis L", 52000, 1_300_000, False),
    ]
    season = [300 + 80 * ((m % 12) in (0, 1, 10, 11)) + i for i, m in enumerate(range(24))]
    return {
        "share": _case(share, rows_share, [30.0 + (i % 5) * 0.7 for i in range(14)]),
        "rate_seasonal": _case(rate, rows_rate, [float(v) for v in season]),
        "ddd": _case(ddd, rows_ddd, [40.5, 41.25, 39.0]),
        "empty": _case(ddd, [("Lægehuset Øst", 3, 10, True)], []),
    }


def other_cases():
    """Inputs of the survey and report charts (duck-typed as their builders read them)."""
    from types import SimpleNamespace as NS

    question = NS(rows=[("Meget enig", 7, 46.7), ("Enig", 5, 33.3), ("Uenig", 3, 20.0)], n=15)
    meetings = [
        NS(date=dt.date(2025, 3, 4), end=None, kind="Klyngemøde", members=21, meeting=NS(kind="klyngemoede")),
        NS(
            date=dt.date(2025, 5, 2),
            end=None,
            kind="Bestyrelsesmøde",
            members=5,
            meeting=NS(kind="bestyrelsesmoede"),
        ),
        NS(
            date=dt.date(2025, 9, 12),
            end=dt.date(2025, 9, 13),
            kind="Internat",
            members=18,
            meeting=NS(kind="internat"),
        ),
    ]
    return question, NS(meetings=meetings, year=2025)
