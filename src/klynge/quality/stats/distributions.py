"""Discrete distributions for exact funnel limits (binomial and Poisson), standard library only.

The probability mass is built by the ratio recurrence outwards from the mode and normalised by its
own sum over a window of mode ± (15·sd + 25), which holds all but < 1e-16 of the mass (Bernstein's
inequality). No factorials or powers of n are formed, so this is stable for n of 100,000 and more.
"""

from __future__ import annotations

import functools
import math
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class _Window:
    start: int
    cdf: tuple[float, ...]  # cdf[i] = P(X <= start + i)
    pmf: tuple[float, ...]

    def cdf_at(self, k: int) -> float:
        if k < self.start:
            return 0.0
        i = k - self.start
        return 1.0 if i >= len(self.cdf) else self.cdf[i]

    def quantile(self, p: float) -> int:
        """Smallest k with P(X <= k) >= p (R's ``qbinom``/``qpois`` definition)."""
        return self.start + min(bisect_left(self.cdf, p), len(self.cdf) - 1)

    def pmf_at(self, k: int) -> float:
        i = k - self.start
        return self.pmf[i] if 0 <= i < len(self.pmf) else 0.0

    def mid_p(self, k: int) -> tuple[float, float]:
        """Mid-p tail probabilities of an observed k: (P(X < k) + P(X = k)/2, P(X > k) + P(X = k)/2).

        Each tail is summed from its own end, so a far tail keeps its precision (no 1 - F(k)).
        """
        i = k - self.start
        half = self.pmf_at(k) / 2
        below = math.fsum(self.pmf[: max(0, min(i, len(self.pmf)))])
        above = math.fsum(self.pmf[max(0, i + 1) :])
        return below + half, above + half


def _window(mode: int, lo: int, hi: int, ratio: Callable[[int], float]) -> _Window:
    """Normalised pmf on [lo, hi] from pmf(k + 1) / pmf(k) = ratio(k), starting at the mode."""
    up = [1.0]
    for k in range(mode, hi):
        nxt = up[-1] * ratio(k)
        if nxt == 0.0:
            break
        up.append(nxt)
    down: list[float] = []
    w = 1.0
    for k in range(mode - 1, lo - 1, -1):
        w = w / ratio(k)
        if w == 0.0:
            break
        down.append(w)
    weights = down[::-1] + up
    start = mode - len(down)
    total = math.fsum(weights)
    pmf = tuple(x / total for x in weights)
    cdf = tuple(min(1.0, c) for c in accumulate(pmf))
    return _Window(start=start, cdf=cdf, pmf=pmf)


# A unit's limits and its tail probabilities need the same distribution: keep the last few.
@functools.lru_cache(maxsize=256)
def binomial_window(n: int, theta: float) -> _Window:
    """Binomial(n, θ) pmf/cdf over the part of the support that carries probability."""
    if n < 0:
        raise ValueError("n must be non-negative")
    if theta <= 0.0:
        return _Window(start=0, cdf=(1.0,), pmf=(1.0,))
    if theta >= 1.0:
        return _Window(start=n, cdf=(1.0,), pmf=(1.0,))
    odds = theta / (1.0 - theta)
    mode = min(n, math.floor((n + 1) * theta))
    half = math.ceil(15 * math.sqrt(n * theta * (1 - theta))) + 25
    return _window(mode, max(0, mode - half), min(n, mode + half), lambda k: (n - k) / (k + 1) * odds)


@functools.lru_cache(maxsize=256)
def poisson_window(lam: float) -> _Window:
    """Poisson(λ) pmf/cdf over the part of the support that carries probability."""
    if lam < 0:
        raise ValueError("lambda must be non-negative")
    if lam == 0:
        return _Window(start=0, cdf=(1.0,), pmf=(1.0,))
    mode = math.floor(lam)
    half = math.ceil(15 * math.sqrt(lam)) + 25
    return _window(mode, max(0, mode - half), mode + half, lambda k: lam / (k + 1))


def binomial_cdf(k: int, n: int, theta: float) -> float:
    """P(X <= k) for X ~ Binomial(n, θ)."""
    return binomial_window(n, theta).cdf_at(k)


def poisson_cdf(k: int, lam: float) -> float:
    """P(X <= k) for X ~ Poisson(λ)."""
    return poisson_window(lam).cdf_at(k)


def interpolated_quantiles(window: _Window, probs: Sequence[float]) -> list[float]:
    """Spiegelhalter (2005, appendix A.1.1) interpolated quantiles r − α of a discrete distribution.

    r = the p-quantile, α = (F(r) − p) / (F(r) − F(r − 1)).
    """
    out = []
    for p in probs:
        r = window.quantile(p)
        f_r = window.cdf_at(r)
        step = window.pmf_at(r)  # F(r) - F(r - 1), without cancellation
        alpha = (f_r - p) / step if step > 0 else 0.0
        out.append(r - alpha)
    return out


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ χ² with df degrees of freedom: the regularised upper incomplete gamma
    Q(df/2, x/2), by its series below a + 1 and Lentz's continued fraction above (Numerical Recipes 6.2).
    """
    if df < 1:
        raise ValueError("df must be at least 1")
    if x <= 0:
        return 1.0
    a, z = df / 2.0, x / 2.0
    log_front = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1.0:
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1.0
            term *= z / ap
            total += term
            if abs(term) < abs(total) * 1e-17:
                break
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = z + 1.0 - a
    c = 1.0 / tiny
    d = 1.0 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-16:
            break
    return min(1.0, math.exp(log_front) * h)
