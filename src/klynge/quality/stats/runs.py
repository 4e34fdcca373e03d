"""Run chart analysis with Anhøj's rules, exactly as the R package qicharts2 (Jacob Anhøj) does it.

References: Anhøj J, Olesen AV (2014) "Run charts revisited", PLoS ONE 9(11): e113825; qicharts2
``runs.analysis()``: longest run limit round(log2(n)) + 3 (Schilling 2012) and minimum number of
crossings ``qbinom(0.05, n - 1, 0.5)`` (Chen 2010).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from ._numbers import exact_or_none, side, to_fraction

#: The rules are meaningful from about this many useful points; shorter series get a warning.
MIN_RELIABLE_POINTS = 10

Side = Literal["over", "under"]


def longest_run_limit(n_useful: int) -> int | None:
    """Upper limit for the longest run, round(log2(n_useful)) + 3 (Schilling 2012; qicharts2).

    Computed with integers only. log2(n) is never exactly k + 1/2 for an integer n (that would need
    n**2 == 2**(2k + 1), an odd power of two that is no square), so round-half-even (R, Python) and
    round-half-up give the same answer, and qicharts2's ``round(log2(n) + 3)`` and
    ``round(log2(n)) + 3`` agree. round(log2 n) is the k with 2**(2k-1) < n**2 < 2**(2k+1).
    """
    if n_useful < 1:
        return None
    b = (n_useful * n_useful).bit_length() - 1  # floor(log2(n**2))
    return (b + 1) // 2 + 3


def crossings_limit(n_useful: int) -> int | None:
    """Lower limit for the number of crossings, R's ``qbinom(0.05, n_useful - 1, 0.5)`` (Chen 2010).

    The smallest x with P(Binomial(n - 1, 1/2) <= x) >= 0.05, compared exactly in integers:
    P(X <= x) >= 1/20  <=>  20 * sum(comb(n - 1, k) for k <= x) >= 2**(n - 1).
    """
    if n_useful < 1:
        return None
    m = n_useful - 1
    total = 1 << m
    term = 1  # comb(m, 0)
    cumulative = 0
    for x in range(m + 1):
        cumulative += term
        if 20 * cumulative >= total:
            return x
        term = term * (m - x) // (x + 1)
    return m  # not reached: the full sum is 2**m


@dataclass(frozen=True, slots=True)
class RunChart:
    """Result of a runs analysis (Anhøj's rules).

    ``longest_run``/``crossings`` are 0 and the limits None when no point is useful. When the longest
    run occurs more than once, ``longest_run_side`` is the side of the most recent one. A seasonal
    analysis (:func:`seasonal_run_chart`) has no single ``centre``; ``centres`` then holds each
    point's own centre (the median of the same season), None where there is none.
    """

    centre: float | None
    n_obs: int
    n_useful: int
    longest_run: int
    longest_run_side: Side | None
    longest_run_max: int | None
    crossings: int
    crossings_min: int | None
    runs_signal: bool
    crossings_signal: bool
    signal: bool
    too_short: bool
    seasonal: bool = False
    centres: tuple[float | None, ...] = ()


def _median(values: Sequence[Fraction]) -> Fraction | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def analyse_sides(sides: Sequence[int | None], *, centre: Fraction | float | None) -> RunChart:
    """Runs analysis of points already classified as +1 (over), -1 (under), 0 (on centre) or None.

    Points on the centre and missing points are dropped before runs are formed (qicharts2).
    """
    useful = [s for s in sides if s]  # drops None and 0
    n_useful = len(useful)
    runs: list[tuple[int, int]] = []  # (side, length)
    for s in useful:
        if runs and runs[-1][0] == s:
            runs[-1] = (s, runs[-1][1] + 1)
        else:
            runs.append((s, 1))
    if runs:
        longest = max(length for _, length in runs)
        side_sign = next(s for s, length in reversed(runs) if length == longest)
        side: Side | None = "over" if side_sign > 0 else "under"
        crossings = len(runs) - 1
    else:
        longest, side, crossings = 0, None, 0
    lr_max = longest_run_limit(n_useful)
    cr_min = crossings_limit(n_useful)
    runs_signal = lr_max is not None and longest > lr_max
    crossings_signal = cr_min is not None and crossings < cr_min
    return RunChart(
        centre=None if centre is None else float(centre),
        n_obs=len(sides),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_side=side,
        longest_run_max=lr_max,
        crossings=crossings,
        crossings_min=cr_min,
        runs_signal=runs_signal,
        crossings_signal=crossings_signal,
        signal=runs_signal or crossings_signal,
        too_short=n_useful < MIN_RELIABLE_POINTS,
    )


def run_chart(values: Iterable[Any], *, centre: Any = None, baseline: int | None = None) -> RunChart:
    """Run chart with Anhøj's rules (qicharts2): centre = median unless given.

    ``values`` may contain None/NaN (skipped). ``baseline`` = number of leading points the median is
    taken from (qicharts2's ``freeze``); the analysis always covers all points. Comparisons with the
    centre are exact (floats are converted to fractions), so a point equal to the median is never
    misclassified by rounding: values are read as the decimals they were entered as (0.1 + 0.2 is
    0.3) and a value within a relative 1e-12 of the centre is on it (see ``_numbers.side``), so a
    point on the centre line is dropped exactly as qicharts2 drops it.
    """
    exact = [exact_or_none(v) for v in values]
    if centre is None:
        base = exact if baseline is None else exact[: _check_baseline(baseline)]
        centre_q = _median([v for v in base if v is not None])
    else:
        centre_q = to_fraction(centre)
    sides = [None if v is None or centre_q is None else side(v, centre_q) for v in exact]
    return analyse_sides(sides, centre=centre_q)


def seasonal_run_chart(
    values: Iterable[Any], seasons: Iterable[Hashable], *, baseline: int | None = None
) -> RunChart:
    """Run chart that compares like with like: each point with the median of its own season.

    ``seasons`` gives each point's season (e.g. the calendar month 1-12 of a monthly series). The
    centre of a point is the median of the (baseline) points of the same season, so January is
    compared with the Januaries of all years, and the winter peak shared by every year is no signal.
    Points on their season's median and points whose season has no baseline value are not useful;
    runs and crossings are then counted as in :func:`run_chart`. Meaningful from two points per
    season (two years of monthly data); with one, every point is its own median.
    """
    exact = [exact_or_none(v) for v in values]
    keys = list(seasons)
    if len(keys) != len(exact):
        raise ValueError("values and seasons must have the same length")
    end = len(exact) if baseline is None else _check_baseline(baseline)
    groups: dict[Hashable, list[Fraction]] = defaultdict(list)
    for v, key in zip(exact[:end], keys[:end], strict=True):
        if v is not None:
            groups[key].append(v)
    medians = {key: _median(group) for key, group in groups.items()}
    centres = [medians.get(key) for key in keys]
    sides = [None if v is None or c is None else side(v, c) for v, c in zip(exact, centres, strict=True)]
    result = analyse_sides(sides, centre=None)
    return replace(result, seasonal=True, centres=tuple(None if c is None else float(c) for c in centres))


def _check_baseline(baseline: int) -> int:
    if isinstance(baseline, bool) or not isinstance(baseline, int) or baseline < 1:
        raise ValueError("baseline must be a positive number of leading points")
    return baseline


def _points_da(n: int) -> str:
    return "1 brugbart punkt" if n == 1 else f"{n} brugbare punkter"


def run_chart_explanation_da(
    result: RunChart, *, centre_name: str | None = None, season_noun: str = "måned"
) -> str:
    """One or two plain-Danish sentences for the UI describing a runs analysis.

    ``centre_name`` is the definite noun for the centre line: "medianen" for run charts,
    e.g. "midterlinjen" or "gennemsnittet" for control charts. A seasonal analysis says that it
    compares with the same ``season_noun`` ("måned", "kvartal") in the other years.
    """
    if centre_name is None:
        centre_name = f"medianen for samme {season_noun}" if result.seasonal else "medianen"
    real_change = (
        "tegn på en reel ændring ud over den sædvanlige sæsonvariation."
        if result.seasonal
        else "tegn på en reel ændring."
    )
    if result.n_useful == 0:
        return (
            f"Serien har ingen brugbare punkter (alle mangler eller ligger på {centre_name}), "
            "så der kan ikke laves en analyse."
        )
    parts: list[str] = []
    if result.too_short:
        parts.append(
            f"Serien har kun {_points_da(result.n_useful)}; reglerne er først pålidelige "
            f"fra omkring {MIN_RELIABLE_POINTS} punkter."
        )
    where = "over" if result.longest_run_side == "over" else "under"
    times = "gang" if result.crossings == 1 else "gange"
    if result.runs_signal and result.crossings_signal:
        parts.append(
            f"{result.longest_run} punkter i træk {where} {centre_name}, og kurven krydser kun "
            f"{centre_name} {result.crossings} {times} (mindst {result.crossings_min} forventes): "
            + real_change
        )
    elif result.runs_signal:
        parts.append(f"{result.longest_run} punkter i træk {where} {centre_name}: {real_change}")
    elif result.crossings_signal:
        parts.append(
            f"Kurven krydser kun {centre_name} {result.crossings} {times} "
            f"(mindst {result.crossings_min} forventes): {real_change}"
        )
    elif result.seasonal:
        parts.append(f"Ingen tegn på ikke-tilfældig variation i forhold til samme {season_noun} de andre år.")
    else:
        parts.append("Ingen tegn på ikke-tilfældig variation.")
    return " ".join(parts)
