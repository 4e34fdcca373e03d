"""Discrete distributions for exact funnel limits (binomial and Poisson), standard library only.

The probability mass is built by the ratio recurrence outwards from the mode and normalised by its
own sum over a window of mode ± (15·sd + 25), which holds all but < 1e-16 of the mass (Bernstein's
inequality). No factorials or powers of n are formed, so this is stable for n of 100,000 and more.
"""

from __future__ import annotations

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
