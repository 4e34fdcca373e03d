"""Funnel plots for comparing units (practices), Spiegelhalter DJ (2005) Stat Med 24:1185-1202.

Exact limits use the binomial (proportions) or Poisson (rates) distribution around the target θ₀
with Spiegelhalter's interpolation (appendix A.1.1); the normal approximation is θ₀ ± z·σ(θ₀, n).
A unit is flagged by the mid-p tail probability of its count, not by the interpolated limit, which
lies up to one count inside the quantile and flags e.g. 11/11 at θ₀ = 0.9 (Seaton & Manktelow 2012).

:func:`funnel_analysis` chooses the method from the kind of indicator: binomial for proportions,
Poisson for event rates, and for continuous quantities per patient (DDD) normal limits whose spread
is estimated from the units themselves, which gives the same flags in any unit. Over-dispersion of
counts is tested with Spiegelhalter's Winsorised φ and, when clearly present, handled with his
additive random-effects model (τ²; Spiegelhalter 2005, Qual Saf Health Care 14:347).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from statistics import NormalDist
from typing import Any, Literal

from ._numbers import exact_or_none
from .distributions import binomial_window, chi2_sf, interpolated_quantiles, poisson_window

Method = Literal["exact", "normal"]
Kind = Literal["proportion", "rate"]
#: The kind of indicator, which decides the funnel method (see :func:`funnel_analysis`).
FunnelKind = Literal["proportion", "event_rate", "continuous"]
FUNNEL_KINDS: tuple[str, ...] = ("proportion", "event_rate", "continuous")
#: none: the count model's own limits; additive: Spiegelhalter's random-effects τ² added to the
#: variance; scale: the spread of a continuous quantity estimated from the units (multiplicative φ).
Adjustment = Literal["none", "additive", "scale"]

#: Two-sided 95 % and 99.8 % limits: the 0.025/0.975 and 0.001/0.999 quantiles.
P_95 = (0.025, 0.975)
P_998 = (0.001, 0.999)
Z_95 = NormalDist().inv_cdf(0.975)  # 1.959964...
Z_998 = NormalDist().inv_cdf(0.999)  # 3.090232...
#: Fraction of z-scores Winsorised at each end when estimating φ (Spiegelhalter 2005, QSHC).
WINSOR_FRACTION = 0.1
#: Over-dispersion is acted on when I·φ exceeds the upper 5 % point of χ² on I − 1 degrees of freedom.
OVERDISPERSION_P = 0.05
#: A continuous indicator's spread is estimated from the units; fewer than this give no limits.
MIN_UNITS_CONTINUOUS = 5


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
    """One unit in a funnel plot.

    Exact (binomial, Poisson) flags come from the mid-p tail probability of the count: outside 95 %
    when it is below 0.025, outside 99.8 % below 0.001. Normal flags compare the value with the
    limits, strictly (a value on a limit is inside). ``p_value`` is the one-sided tail probability
    on the side of the value (mid-p for exact limits, normal otherwise).
    """

    events: float | None
    denominator: float | None
    value: float | None
    limits: FunnelLimits
    outside95: bool
    outside998: bool
    direction: Literal["over", "under"] | None  # side of the target when outside95
    p_value: float | None = None


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


def _exact_point(e: Fraction, d: Fraction, target: float, kind: Kind, limits: FunnelLimits) -> FunnelPoint:
    if e.denominator != 1:
        raise ValueError("exact limits need whole-number counts")
    window = binomial_window(int(d), target) if kind == "proportion" else poisson_window(target * float(d))
    lower, upper = window.mid_p(int(e))
    p = min(lower, upper)
    direction = ("over" if upper < lower else "under") if p < P_95[0] else None
    return FunnelPoint(
        events=float(e),
        denominator=float(d),
        value=float(e / d),
        limits=limits,
        outside95=p < P_95[0],
        outside998=p < P_998[0],
        direction=direction,
        p_value=p,
    )


def _normal_point(e: Fraction, d: Fraction, target: float, se: float, limits: FunnelLimits) -> FunnelPoint:
    value = float(e / d)
    out95 = value < limits.lower95 or value > limits.upper95
    out998 = value < limits.lower998 or value > limits.upper998
    # With no spread (se = 0) any value off the target is impossible under the model.
    p = NormalDist().cdf(-abs(value - target) / se) if se > 0 else float(value == target) / 2
    return FunnelPoint(
        events=float(e),
        denominator=float(d),
        value=value,
        limits=limits,
        outside95=out95,
        outside998=out998,
        direction=("over" if value > limits.upper95 else "under") if out95 else None,
        p_value=p,
    )


def _empty_point(e: Fraction | None, d: Fraction | None, method: Method) -> FunnelPoint:
    return FunnelPoint(
        events=None if e is None else float(e),
        denominator=None if d is None else float(d),
        value=float(e / d) if e is not None and d else None,
        limits=FunnelLimits(**_EMPTY, method=method),
        outside95=False,
        outside998=False,
        direction=None,
    )


def _base_variance(kind: Kind, theta0: float) -> float:
    return theta0 * (1 - theta0) if kind == "proportion" else theta0


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
    :func:`overdispersion_phi`) requires ``method="normal"`` and is never applied implicitly. Exact
    flags use the mid-p tail probability of the count (see :class:`FunnelPoint`).
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
            points.append(_empty_point(e, d, method))
            continue
        if kind == "proportion" and e > d:
            raise ValueError("events cannot exceed the denominator for a proportion")
        limits = limit_fn(target, d, method=method, phi=phi)
        if method == "exact":
            points.append(_exact_point(e, d, target, kind, limits))
        else:
            se = math.sqrt((phi or 1.0) * _base_variance(kind, target) / float(d))
            points.append(_normal_point(e, d, target, se, limits))
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


@dataclass(frozen=True, slots=True)
class FunnelAnalysis:
    """A funnel plot with the method chosen for the kind of indicator (see :func:`funnel_analysis`).

    ``phi`` is the Winsorised dispersion φ: for proportions and event rates against the count model
    (1 when the units vary as chance alone makes them), for continuous quantities the estimated
    spread in the data's own unit per unit of exposure. ``overdispersion_p`` is P(χ²_{I−1} ≥ I·φ),
    ``tau2`` the additive between-unit variance when ``adjustment == "additive"``. The
    ``unadjusted_*`` counts say how many units the count model alone would flag (None for a
    continuous quantity, which has no count model). ``too_few`` is set when a continuous quantity
    has fewer than :data:`MIN_UNITS_CONTINUOUS` units to estimate its spread from: no limits then.
    """

    kind: FunnelKind
    target: float | None
    method: Method
    adjustment: Adjustment
    phi: float | None
    overdispersion_p: float | None
    tau2: float | None
    points: tuple[FunnelPoint, ...]
    unadjusted_outside95: int | None = None
    unadjusted_outside998: int | None = None
    too_few: bool = False

    @property
    def n_units(self) -> int:
        return sum(p.value is not None for p in self.points)

    @property
    def n_outside95(self) -> int:
        return sum(p.outside95 for p in self.points)

    @property
    def n_outside998(self) -> int:
        return sum(p.outside998 for p in self.points)

    @property
    def overdispersed(self) -> bool:
        return self.overdispersion_p is not None and self.overdispersion_p < OVERDISPERSION_P

    def standard_error(self, n: float) -> float | None:
        """σ of a unit's value at exposure n under the model the limits use (None for exact limits)."""
        if self.target is None or self.method == "exact" or not n or n <= 0:
            return None
        base = _base_variance("proportion" if self.kind == "proportion" else "rate", self.target)
        if self.adjustment == "scale":
            return math.sqrt((self.phi or 0.0) * base / n)
        return math.sqrt(base / n + (self.tau2 or 0.0))

    def limits_at(self, n: float) -> FunnelLimits:
        """The limits drawn at exposure n (for the funnel's curves)."""
        if self.target is None or self.too_few or not n or n <= 0:
            return FunnelLimits(**_EMPTY, method=self.method)
        if self.method == "exact":
            if self.kind == "proportion":
                return funnel_limits_proportion(self.target, round(n))
            return funnel_limits_rate(self.target, n)
        return _normal_limits(self.target, self.standard_error(n) or 0.0, self.kind == "proportion")


def _normal_limits(target: float, se: float, proportion: bool) -> FunnelLimits:
    top = 1.0 if proportion else math.inf
    return FunnelLimits(
        max(0.0, target - Z_95 * se),
        min(top, target + Z_95 * se),
        max(0.0, target - Z_998 * se),
        min(top, target + Z_998 * se),
        method="normal",
    )


def funnel_analysis(
    events: Iterable[Any],
    exposures: Iterable[Any],
    *,
    kind: FunnelKind,
    target: float | None = None,
    adjust: bool = True,
) -> FunnelAnalysis:
    """Funnel plot with the method that suits the kind of indicator (Spiegelhalter 2005).

    - ``proportion`` (events out of a denominator, e.g. penicillin V among antibiotic prescriptions):
      exact binomial limits; ``event_rate`` (counts of events per exposure, e.g. prescriptions per
      patient-year): exact Poisson limits. Each unit is flagged by the mid-p tail probability of its
      count. Over-dispersion: φ = mean of the squared z-scores after Winsorising 10 % at each end
      (Spiegelhalter 2005, QSHC); when I·φ exceeds the 95 % point of χ² on I − 1 degrees of freedom
      and ``adjust`` is on, the limits become θ₀ ± z·√(V(θ₀)/n + τ²) with Spiegelhalter's additive
      random-effects estimate τ² = (I·φ − (I − 1)) / (Σw − Σw²/Σw), w = n/V(θ₀), because practices
      differ for reasons (patient mix) that do not shrink with their size.
    - ``continuous`` (a quantity per patient that is not a count of events, e.g. DDD): no count
      model exists, so the spread is estimated from the units: normal limits θ₀ ± z·√(φ·θ₀/n) with φ
      the Winsorised mean of nᵢ(yᵢ − θ₀)²/θ₀. Restating the quantity in another unit scales θ₀, the
      values and the limits alike, so the flags do not change. Needs :data:`MIN_UNITS_CONTINUOUS`
      units.

    ``target`` defaults to the pooled Σ events / Σ exposures.
    """
    if kind not in FUNNEL_KINDS:
        raise ValueError("kind must be 'proportion', 'event_rate' or 'continuous'")
    base_kind: Kind = "proportion" if kind == "proportion" else "rate"
    pairs = _pairs(events, exposures)
    if target is None:
        target = pooled_target([e for e, _ in pairs], [d for _, d in pairs])
    used = [(e, d) for e, d in pairs if e is not None and d]
    if base_kind == "proportion" and any(e > d for e, d in used):
        raise ValueError("events cannot exceed the denominator for a proportion")
    if target is None or not used:
        empty = tuple(_empty_point(e, d, "normal") for e, d in pairs)
        return FunnelAnalysis(kind, target, "normal", "none", None, None, None, empty)
    target = float(target)
    degenerate = target <= 0.0 or (base_kind == "proportion" and target >= 1.0)
    phi = None
    if not degenerate and len(used) >= 2:
        phi = overdispersion_phi(
            [e for e, _ in used], [d for _, d in used], target, kind=base_kind, winsorise=True
        )
    if kind == "continuous":
        return _continuous(pairs, used, target, phi)
    exact = funnel_points(
        [e for e, _ in pairs], [d for _, d in pairs], target=target, method="exact", kind=base_kind
    )
    unadjusted95 = sum(p.outside95 for p in exact.points)
    unadjusted998 = sum(p.outside998 for p in exact.points)
    p_over = None if phi is None else chi2_sf(len(used) * phi, len(used) - 1)
    if not adjust or p_over is None or p_over >= OVERDISPERSION_P:
        return FunnelAnalysis(
            kind, target, "exact", "none", phi, p_over, None, exact.points, unadjusted95, unadjusted998
        )
    weights = [float(d) / _base_variance(base_kind, target) for _, d in used]
    total = math.fsum(weights)
    tau2 = (len(used) * phi - (len(used) - 1)) / (total - math.fsum(w * w for w in weights) / total)
    adjusted = FunnelAnalysis(
        kind, target, "normal", "additive", phi, p_over, tau2, (), unadjusted95, unadjusted998
    )
    return _with_normal_points(adjusted, pairs)


def _continuous(pairs, used, target: float, phi: float | None) -> FunnelAnalysis:
    if target <= 0.0:
        phi = 0.0  # every unit is at 0: no spread at all
    too_few = len(used) < MIN_UNITS_CONTINUOUS
    scaled = FunnelAnalysis("continuous", target, "normal", "scale", phi, None, None, (), too_few=too_few)
    return _with_normal_points(scaled, pairs)


def _with_normal_points(analysis: FunnelAnalysis, pairs) -> FunnelAnalysis:
    """The analysis with each unit judged against its normal limits (none when there are too few)."""
    points = []
    for e, d in pairs:
        if analysis.too_few or e is None or not d:
            points.append(_empty_point(e, d, "normal"))
            continue
        se = analysis.standard_error(float(d)) or 0.0
        limits = _normal_limits(analysis.target, se, analysis.kind == "proportion")
        points.append(_normal_point(e, d, analysis.target, se, limits))
    return replace(analysis, points=tuple(points))


def _da(x: float, decimals: int) -> str:
    text = f"{x:,.{decimals}f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".")


def _phi_da(phi: float) -> str:
    return _da(phi, 0 if phi >= 10 else 1)


def _p_da(p: float) -> str:
    return "p < 0,001" if p < 0.001 else f"p = {_da(p, 3)}"


def funnel_method_da(analysis: FunnelAnalysis) -> str:
    """The method behind the limits in a few Danish words, for the caption of the chart."""
    if analysis.adjustment == "additive":
        return "normalfordelingsgrænser udvidet for overdispersion (Spiegelhalters additive model)"
    if analysis.adjustment == "scale":
        return "normalfordelingsgrænser med spredningen estimeret fra praksissernes egne tal"
    return "eksakte binomialgrænser" if analysis.kind == "proportion" else "eksakte Poisson-grænser"


def funnel_explanation_da(analysis: FunnelAnalysis, *, scale: float = 1.0, unit: str = "") -> list[str]:
    """Plain-Danish sentences for the page: the method for the kind of indicator, φ and the choice
    made about over-dispersion, and how units are flagged. ``scale``/``unit`` express τ in the
    indicator's own unit (e.g. 100 and "procentpoint" for a share)."""
    units = analysis.n_units
    if analysis.kind == "proportion":
        out = [
            "Indikatoren er en andel, så praksis sammenlignes med binomialfordelingen omkring klyngens andel."
        ]
    elif analysis.kind == "event_rate":
        out = [
            "Indikatoren er et antal hændelser pr. patientår, så praksis sammenlignes med "
            "Poisson-fordelingen omkring klyngens rate."
        ]
    else:
        out = [
            "Indikatoren er en mængde pr. patient (fx DDD), ikke et antal hændelser, så der findes ingen "
            "tællemodel for den tilfældige variation. Grænserne er normalfordelingsgrænser, hvor spredningen "
            "er estimeret ud fra praksissernes egne tal; derfor giver de samme resultat, uanset hvilken "
            "enhed mængden måles i."
        ]
    if analysis.target is None:
        return out
    if analysis.kind == "continuous":
        if analysis.too_few:
            out.append(
                f"Der er kun {units} praksis; spredningen kan først estimeres fra {MIN_UNITS_CONTINUOUS}, "
                "så der tegnes ingen grænser."
            )
        elif analysis.phi and analysis.target > 0:
            exposures = [p.denominator for p in analysis.points if p.value is not None and p.denominator]
            mean_exposure = math.fsum(exposures) / len(exposures)
            cv = math.sqrt(analysis.phi * analysis.target / mean_exposure) / analysis.target
            out.append(
                f"Spredningen er estimeret fra de {units} praksis (Spiegelhalters φ, hvor de 10 % mest "
                "ekstreme i hver ende trækkes ind til grænsen, så de ikke gør den for stor): en praksis af "
                f"gennemsnitlig størrelse ligger typisk {_da(100 * cv, 0)} % fra klyngens værdi."
            )
        return out
    if analysis.phi is None:
        out.append("Klyngens værdi ligger på grænsen (0 eller 100 %), så der er ingen spredning at måle.")
    elif analysis.adjustment == "additive":
        tau = math.sqrt(analysis.tau2 or 0.0) * scale
        out.append(
            f"Praksissernes tal spreder sig φ = {_phi_da(analysis.phi)} gange så meget, som tilfældet alene "
            f"giver ({_p_da(analysis.overdispersion_p)}). Det er overdispersion: praksis er reelt forskellige, "
            "fx i patientsammensætning. Grænserne er derfor gjort bredere efter Spiegelhalters additive "
            f"model med en reel forskel mellem praksis på τ = {_da(tau, 1)} {unit}".rstrip()
            + " (én standardafvigelse)."
        )
        out.append(
            f"Uden justeringen ville {analysis.unadjusted_outside998} af {units} praksis ligge uden for "
            f"99,8 %-grænserne; med den er det {analysis.n_outside998}."
        )
    else:
        out.append(
            f"Praksissernes tal spreder sig φ = {_phi_da(analysis.phi)} gange så meget, som tilfældet alene "
            f"giver; det er ikke tydeligt mere end 1 ({_p_da(analysis.overdispersion_p)}), så grænserne er de "
            "eksakte grænser uden justering for overdispersion."
        )
    if analysis.method == "exact":
        out.append(
            "En praksis markeres efter sandsynligheden for et mindst lige så ekstremt tal ved tilfældighed "
            "(mid-p under 2,5 % eller 0,1 %), ikke efter om prikken ligger lige over kurven."
        )
    return out
