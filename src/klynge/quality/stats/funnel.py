"""Funnel plots for comparing units (practices), Spiegelhalter DJ (2005) Stat Med 24:1185-1202.

Exact limits use the binomial (proportions) or Poisson (rates) distribution around the target θ₀
with Spiegelhalter's interpolation (appendix A.1.1); the normal approximation is θ₀ ± z·σ(θ₀, n).
Over-dispersion: Spiegelhalter's multiplicative φ (Spiegelhalter 2005, Qual Saf Health Care
14:347), applied only when asked for, and only to normal-approximation limits.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist
from typing import Any, Literal

from ._numbers import exact_or_none
from .distributions import binomial_window, interpolated_quantiles, poisson_window

Method = Literal["exact", "normal"]
Kind = Literal["proportion", "rate"]

#: Two-sided 95 % and 99.8 % limits: the 0.025/0.975 and 0.001/0.999 quantiles.
P_95 = (0.025, 0.975)
P_998 = (0.001, 0.999)
Z_95 = NormalDist().inv_cdf(0.975)  # 1.959964...
Z_998 = NormalDist().inv_cdf(0.999)  # 3.090232...
#: Fraction of z-scores Winsorised at each end when estimating φ (Spiegelhalter 2005, QSHC).
WINSOR_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class FunnelLimits:
    """Lower/upper funnel limits at 95 % and 99.8 % for one denominator (None if it is 0)."""

    lower95: float | None
    upper95: float | None
    lower998: float | None
    upper998: float | None
    method: Method = "exact"


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    """One unit in a funnel plot. Flags are strict: a value on a limit is inside."""

    events: float | None
    denominator: float | None
    value: float | None
    limits: FunnelLimits
    outside95: bool
    outside998: bool
    direction: Literal["over", "under"] | None  # side of the target when outside95


@dataclass(frozen=True, slots=True)
class FunnelPlot:
    target: float | None
    kind: Kind
    method: Method
    phi: float | None
    points: tuple[FunnelPoint, ...]


_EMPTY = {"lower95": None, "upper95": None, "lower998": None, "upper998": None}


def _check_method(method: str, phi: float | None) -> None:
    if method not in ("exact", "normal"):
        raise ValueError("method must be 'exact' or 'normal'")
    if phi is not None:
        if method != "normal":
            raise ValueError("the over-dispersion factor phi applies to method='normal' only")
        if not phi > 0:
            raise ValueError("phi must be positive")


# The limits depend only on their arguments and cost a quantile search each: pages draw the same funnel
# for every request until the data change, so each worker keeps recent answers.
@functools.lru_cache(maxsize=16384)
def funnel_limits_proportion(
    theta0: float, n: int, *, method: Method = "exact", phi: float | None = None
) -> FunnelLimits:
    """Funnel limits for a proportion with denominator n around target θ₀ (Spiegelhalter 2005).

    exact: interpolated binomial quantiles (r − α)/n, clipped to [0, 1].
    normal: θ₀ ± z·√(φ·θ₀(1 − θ₀)/n) with φ = 1 unless given (over-dispersion), clipped to [0, 1].
    """
    _check_method(method, phi)
    theta0 = float(theta0)
    if not 0.0 <= theta0 <= 1.0:
        raise ValueError("theta0 must lie in [0, 1]")
    if n is None or n <= 0:
        return FunnelLimits(**_EMPTY, method=method)
    if theta0 in (0.0, 1.0):
        # A point mass has no spread: every limit is the target itself. (The interpolation formula
        # would put the upper limit at (n - 0.001)/n for theta0 = 1 and flag every unit.)
        return FunnelLimits(theta0, theta0, theta0, theta0, method=method)
    if method == "exact":
        if int(n) != n:
            raise ValueError("exact binomial limits need a whole-number denominator")
        n = int(n)
        q = interpolated_quantiles(binomial_window(n, theta0), (*P_95, *P_998))
        lo95, hi95, lo998, hi998 = (min(1.0, max(0.0, x / n)) for x in q)
    else:
        se = math.sqrt((phi or 1.0) * theta0 * (1.0 - theta0) / n)
        lo95, hi95 = max(0.0, theta0 - Z_95 * se), min(1.0, theta0 + Z_95 * se)
        lo998, hi998 = max(0.0, theta0 - Z_998 * se), min(1.0, theta0 + Z_998 * se)
    return FunnelLimits(lo95, hi95, lo998, hi998, method=method)


@functools.lru_cache(maxsize=16384)
def funnel_limits_rate(
    theta0: float, exposure: float, *, method: Method = "exact", phi: float | None = None
) -> FunnelLimits:
    """Funnel limits for a rate (events per unit exposure) around target θ₀ (Spiegelhalter 2005).

    exact: interpolated Poisson(θ₀·exposure) quantiles (r − α)/exposure, lower clipped at 0.
    normal: θ₀ ± z·√(φ·θ₀/exposure), lower clipped at 0.
    """
    _check_method(method, phi)
    theta0 = float(theta0)
    if not theta0 >= 0.0:  # also rejects NaN
        raise ValueError("theta0 must be non-negative")
    if exposure is None or exposure <= 0:
        return FunnelLimits(**_EMPTY, method=method)
    if theta0 == 0.0:
        return FunnelLimits(0.0, 0.0, 0.0, 0.0, method=method)  # a point mass at 0 has no spread
    exposure = float(exposure)
    if method == "exact":
        q = interpolated_quantiles(poisson_window(theta0 * exposure), (*P_95, *P_998))
        lo95, hi95, lo998, hi998 = (max(0.0, x / exposure) for x in q)
    else:
        se = math.sqrt((phi or 1.0) * theta0 / exposure)
        lo95, hi95 = max(0.0, theta0 - Z_95 * se), theta0 + Z_95 * se
        lo998, hi998 = max(0.0, theta0 - Z_998 * se), theta0 + Z_998 * se
    return FunnelLimits(lo95, hi95, lo998, hi998, method=method)


def _pairs(
    events: Iterable[Any], denominators: Iterable[Any]
) -> list[tuple[Fraction | None, Fraction | None]]:
    ev = [exact_or_none(v) for v in events]
    den = [exact_or_none(v) for v in denominators]
    if len(ev) != len(den):
        raise ValueError("events and denominators must have the same length")
    for e, d in zip(ev, den, strict=True):
        if (e is not None and e < 0) or (d is not None and d < 0):
            raise ValueError("events and denominators must be non-negative")
    return list(zip(ev, den, strict=True))


def pooled_target(events: Iterable[Any], denominators: Iterable[Any]) -> float | None:
    """θ₀ = Σ events / Σ denominators over units with both present and a positive denominator."""
    pairs = [(e, d) for e, d in _pairs(events, denominators) if e is not None and d]
    total = sum((d for _, d in pairs), Fraction(0))
    return float(sum((e for e, _ in pairs), Fraction(0)) / total) if total else None


def funnel_points(
    events: Iterable[Any],
    denominators: Iterable[Any],
    *,
    target: float | None = None,
    method: Method = "exact",
    kind: Kind = "proportion",
    phi: float | None = None,
) -> FunnelPlot:
    """Funnel plot data for each unit: value, limits at its own denominator and outside flags.

    target defaults to the pooled value Σ events / Σ denominators. ``phi`` (over-dispersion, see
    :func:`overdispersion_phi`) requires ``method="normal"`` and is never applied implicitly.
    """
    if kind not in ("proportion", "rate"):
        raise ValueError("kind must be 'proportion' or 'rate'")
    _check_method(method, phi)
    pairs = _pairs(events, denominators)
    if target is None:
        target = pooled_target([e for e, _ in pairs], [d for _, d in pairs])
    limit_fn = funnel_limits_proportion if kind == "proportion" else funnel_limits_rate
    points = []
    for e, d in pairs:
        if e is None or not d or target is None:
            limits = FunnelLimits(**_EMPTY, method=method)
            value = float(e / d) if e is not None and d else None
        else:
            if kind == "proportion" and e > d:
                raise ValueError("events cannot exceed the denominator for a proportion")
            limits = limit_fn(target, d, method=method, phi=phi)
            value = float(e / d)
        out95 = out998 = False
        direction = None
        if value is not None and limits.lower95 is not None:
            out95 = value < limits.lower95 or value > limits.upper95
            out998 = value < limits.lower998 or value > limits.upper998
            if out95:
                direction = "over" if value > limits.upper95 else "under"
        points.append(
            FunnelPoint(
                events=None if e is None else float(e),
                denominator=None if d is None else float(d),
                value=value,
                limits=limits,
                outside95=out95,
                outside998=out998,
                direction=direction,
            )
        )
    return FunnelPlot(target=target, kind=kind, method=method, phi=phi, points=tuple(points))


def _quantile_type7(ordered: Sequence[float], q: float) -> float:
    """Quantile with linear interpolation (R's default type 7)."""
    h = (len(ordered) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (h - lo) * (ordered[hi] - ordered[lo])


def z_scores(
    events: Iterable[Any], denominators: Iterable[Any], theta0: float, *, kind: Kind = "proportion"
) -> list[float | None]:
    """Standardised Pearson residuals zᵢ = (yᵢ − θ₀)/σ(θ₀, nᵢ); None for missing units."""
    theta0 = float(theta0)
    out: list[float | None] = []
    for e, d in _pairs(events, denominators):
        if e is None or not d:
            out.append(None)
            continue
        var = theta0 * (1 - theta0) if kind == "proportion" else theta0
        if var <= 0:
            raise ValueError("z-scores need a target strictly inside the range (0 < θ₀ < 1, or θ₀ > 0)")
        out.append((float(e / d) - theta0) / math.sqrt(var / float(d)))
    return out


def overdispersion_phi(
    events: Iterable[Any],
    denominators: Iterable[Any],
    theta0: float,
    *,
    kind: Kind = "proportion",
    winsorise: bool | float = False,
) -> float | None:
    """Spiegelhalter's multiplicative over-dispersion factor φ = (1/I) Σ zᵢ² (QSHC 2005;14:347).

    ``winsorise=True`` (or a fraction such as 0.1) first pulls the z-scores below the 10th and above
    the 90th percentile in to those percentiles, so a few extreme units cannot inflate φ. Compare
    I·φ with a χ² on I − 1 degrees of freedom to judge whether φ > 1 is more than chance.
    Returns None when no unit has a denominator.
    """
    z = [x for x in z_scores(events, denominators, theta0, kind=kind) if x is not None]
    if not z:
        return None
    fraction = WINSOR_FRACTION if winsorise is True else float(winsorise or 0.0)
    if not 0.0 <= fraction < 0.5:
        raise ValueError("winsorise must be a fraction in [0, 0.5)")
    if fraction > 0:
        ordered = sorted(z)
        lo, hi = _quantile_type7(ordered, fraction), _quantile_type7(ordered, 1 - fraction)
        z = [min(hi, max(lo, x)) for x in z]
    return math.fsum(x * x for x in z) / len(z)
