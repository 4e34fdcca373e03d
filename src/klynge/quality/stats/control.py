"""Shewhart control charts (p, u, I) with the limits used by qicharts2 (Anhøj) and Montgomery.

p chart: pooled p̄ ± 3·√(p̄(1−p̄)/nᵢ), clipped to [0, 1]. u chart: ū ± 3·√(ū/nᵢ), lower limit
clipped at 0. I chart: mean ± 3·σ with σ = average moving range / 1.128, after screening moving
ranges ≥ 3.267 × the average once (Nelson 1982; Provost & Murray 2011). Points strictly outside the
limits are signals; each chart also gets a runs analysis (Anhøj's rules) against its own centre.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, Literal

from ._numbers import as_float, exact_or_none, side, to_fraction
from .runs import RunChart, _check_baseline, analyse_sides

SIGMA_LIMIT = 3
D2 = 1.128  # bias constant for moving ranges of two points
MR_SCREEN = 3.267  # D4 for n = 2: upper limit for moving ranges


@dataclass(frozen=True, slots=True)
class ControlChart:
    """Result of a control chart. Sequences have one entry per input point.

    ``values``/``lcl``/``ucl`` are None where the point is missing (or its denominator is 0).
    ``outside`` is strict (a point on a limit is inside). ``runs`` is the Anhøj analysis against
    ``centre``. For u charts ``multiplier`` has already been applied to values, centre and limits.
    """

    chart: Literal["p", "u", "i"]
    centre: float | None
    values: tuple[float | None, ...]
    lcl: tuple[float | None, ...]
    ucl: tuple[float | None, ...]
    outside: tuple[bool, ...]
    runs: RunChart
    multiplier: float = 1.0

    @property
    def n_outside(self) -> int:
        return sum(self.outside)

    @property
    def signal(self) -> bool:
        """A point outside the limits or a runs signal."""
        return self.n_outside > 0 or self.runs.signal


def _ratios(
    numerators: Iterable[Any], denominators: Iterable[Any], *, proportion: bool
) -> tuple[list[Fraction | None], list[Fraction | None]]:
    nums = [exact_or_none(v) for v in numerators]
    dens = [exact_or_none(v) for v in denominators]
    if len(nums) != len(dens):
        raise ValueError("numerators and denominators must have the same length")
    for num, den in zip(nums, dens, strict=True):
        if num is not None and num < 0:
            raise ValueError("numerators must be non-negative")
        if den is not None and den < 0:
            raise ValueError("denominators must be non-negative")
        if proportion and num is not None and den is not None and num > den:
            raise ValueError("a numerator cannot exceed its denominator in a p chart")
    return nums, dens


def _pooled(
    nums: list[Fraction | None], dens: list[Fraction | None], baseline: int | None
) -> Fraction | None:
    end = len(nums) if baseline is None else _check_baseline(baseline)
    pairs = [(n, d) for n, d in zip(nums[:end], dens[:end], strict=True) if n is not None and d]
    total = sum((d for _, d in pairs), Fraction(0))
    if total == 0:
        return None
    return sum((n for n, _ in pairs), Fraction(0)) / total


def _attribute_chart(
    chart: Literal["p", "u"],
    numerators: Iterable[Any],
    denominators: Iterable[Any],
    baseline: int | None,
    multiplier: Any = 1,
) -> ControlChart:
    nums, dens = _ratios(numerators, denominators, proportion=chart == "p")
    centre = _pooled(nums, dens, baseline)
    exact_values = [n / d if n is not None and d else None for n, d in zip(nums, dens, strict=True)]
    values: list[float | None] = []
    lcl: list[float | None] = []
    ucl: list[float | None] = []
    outside: list[bool] = []
    for value, den in zip(exact_values, dens, strict=True):
        if value is None or centre is None:
            values.append(as_float(value))
            lcl.append(None)
            ucl.append(None)
            outside.append(False)
            continue
        c = float(centre)
        variance = c * (1 - c) if chart == "p" else c
        sigma = math.sqrt(variance / float(den))
        lo = max(0.0, c - SIGMA_LIMIT * sigma)
        hi = c + SIGMA_LIMIT * sigma
        if chart == "p":
            hi = min(1.0, hi)
        v = float(value)
        values.append(v)
        lcl.append(lo)
        ucl.append(hi)
        outside.append(v < lo or v > hi)
    sides = [None if v is None or centre is None else side(v, centre) for v in exact_values]
    runs = analyse_sides(sides, centre=centre)
    scale = float(multiplier)
    if scale != 1:  # scale everything after the analysis (qicharts2's `multiply`)
        values = [None if v is None else v * scale for v in values]
        lcl = [None if v is None else v * scale for v in lcl]
        ucl = [None if v is None else v * scale for v in ucl]
        runs = _scaled_runs(runs, scale)
    return ControlChart(
        chart=chart,
        centre=None if centre is None else float(centre) * scale,
        values=tuple(values),
        lcl=tuple(lcl),
        ucl=tuple(ucl),
        outside=tuple(outside),
        runs=runs,
        multiplier=scale,
    )


def _scaled_runs(runs: RunChart, scale: float) -> RunChart:
    return replace(runs, centre=None if runs.centre is None else runs.centre * scale)


def p_chart(
    numerators: Iterable[Any], denominators: Iterable[Any], *, baseline: int | None = None
) -> ControlChart:
    """p chart (Montgomery; qicharts2 ``chart = "p"``): pooled p̄, limits p̄ ± 3√(p̄(1−p̄)/nᵢ) in [0, 1].

    ``baseline`` = number of leading points p̄ is computed from (default: all).
    """
    return _attribute_chart("p", numerators, denominators, baseline)


def u_chart(
    counts: Iterable[Any],
    exposures: Iterable[Any],
    *,
    multiplier: Any = 1,
    baseline: int | None = None,
) -> ControlChart:
    """u chart (Montgomery 7.19; qicharts2 ``chart = "u"``): ū = Σcounts/Σexposure, ū ± 3√(ū/nᵢ), lower ≥ 0.

    ``multiplier`` (e.g. 1000 for "per 1,000") scales values, centre and limits after the analysis.
    """
    if to_fraction(multiplier) <= 0:
        raise ValueError("multiplier must be positive")
    return _attribute_chart("u", counts, exposures, baseline, multiplier)


def i_chart(values: Iterable[Any], *, baseline: int | None = None) -> ControlChart:
    """I chart (individuals; qicharts2 ``chart = "i"``): mean ± 3·AMR/1.128.

    Moving ranges are taken between neighbouring non-missing baseline points (a gap breaks the
    pair); moving ranges ≥ 3.267 × their average are removed once and the average recomputed
    (Nelson 1982; Provost & Murray 2011 p. 156). When the moving ranges give σ = 0 (a constant
    series) there is no estimate of the common-cause variation and no limits are drawn, as in
    qicharts2 (whose screening then averages an empty set and gets NaN limits).
    """
    exact = [exact_or_none(v) for v in values]
    end = len(exact) if baseline is None else _check_baseline(baseline)
    base = exact[:end]
    present = [v for v in base if v is not None]
    centre = sum(present, Fraction(0)) / len(present) if present else None
    moving = [abs(b - a) for a, b in zip(base, base[1:], strict=False) if a is not None and b is not None]
    sigma: float | None = None
    if moving:
        amr = sum(moving, Fraction(0)) / len(moving)
        if amr > 0:
            kept = [mr for mr in moving if mr < to_fraction(MR_SCREEN) * amr]
            amr = sum(kept, Fraction(0)) / len(kept)
        if amr > 0:
            sigma = float(amr) / D2
    lcl: list[float | None] = []
    ucl: list[float | None] = []
    outside: list[bool] = []
    for v in exact:
        if v is None or centre is None or sigma is None:
            lcl.append(None)
            ucl.append(None)
            outside.append(False)
            continue
        lo = float(centre) - SIGMA_LIMIT * sigma
        hi = float(centre) + SIGMA_LIMIT * sigma
        lcl.append(lo)
        ucl.append(hi)
        outside.append(float(v) < lo or float(v) > hi)
    sides = [None if v is None or centre is None else side(v, centre) for v in exact]
    return ControlChart(
        chart="i",
        centre=as_float(centre),
        values=tuple(as_float(v) for v in exact),
        lcl=tuple(lcl),
        ucl=tuple(ucl),
        outside=tuple(outside),
        runs=analyse_sides(sides, centre=centre),
    )
