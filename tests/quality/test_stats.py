"""Tests for klynge.quality.stats: no Django needed (run with ``-p no:django`` if settings are not ready).

Expected values are either published (qicharts2's table of critical values) or computed here by a
second, independent brute-force implementation (exact fractions, direct factorial formulas).
"""

from __future__ import annotations

import itertools
import math
import subprocess
import sys
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klynge.quality.stats import (
    MIN_COUNT,
    MIN_DENOMINATOR,
    Z_95,
    Z_998,
    binomial_cdf,
    chi2_sf,
    complementary_suppression,
    crossings_limit,
    funnel_analysis,
    funnel_explanation_da,
    funnel_limits_proportion,
    funnel_limits_rate,
    funnel_method_da,
    funnel_points,
    i_chart,
    is_suppressed,
    longest_run_limit,
    overdispersion_phi,
    p_chart,
    poisson_cdf,
    pseudonym_label,
    pseudonyms,
    run_chart,
    run_chart_explanation_da,
    seasonal_run_chart,
    suppress_count,
    suppress_share,
    u_chart,
)

# --------------------------------------------------------------------------------------------------
# Run charts: critical values
# --------------------------------------------------------------------------------------------------

# qicharts2 vignette, "Critical values for longest run and number of crossings":
# n_useful: (upper limit for longest run, lower limit for number of crossings).
PUBLISHED_TABLE = {
    10: (6, 2),
    11: (6, 2),
    12: (7, 3),
    13: (7, 3),
    14: (7, 4),
    15: (7, 4),
    16: (7, 4),
    17: (7, 5),
    18: (7, 5),
    19: (7, 6),
    20: (7, 6),
    21: (7, 6),
    22: (7, 7),
    23: (8, 7),
    24: (8, 8),
    25: (8, 8),
    26: (8, 8),
    27: (8, 9),
    28: (8, 9),
    29: (8, 10),
    30: (8, 10),
    100: (10, 41),
}


@pytest.mark.parametrize(("n", "expected"), sorted(PUBLISHED_TABLE.items()))
def test_published_critical_values(n, expected):
    assert (longest_run_limit(n), crossings_limit(n)) == expected


def _qbinom_half_float(p: float, size: int) -> int:
    """Independent qbinom(p, size, 0.5) with float CDF, refusing to answer near a tie."""
    cdf = 0.0
    for x in range(size + 1):
        cdf += math.comb(size, x) / 2.0**size
        if cdf >= p:
            assert abs(cdf - p) > 1e-9, "float CDF too close to p to be trusted"
            return x
    raise AssertionError("unreachable")


def _round_log2(n: int, rounding: str) -> int:
    return int(Decimal(math.log2(n)).quantize(Decimal(1), rounding=rounding))


@pytest.mark.parametrize("n", range(10, 101))
def test_full_critical_value_table_10_to_100(n):
    # qicharts2 generates its table as round(log2(n) + 3) and qbinom(0.05, n - 1, 0.5).
    # Round-half-even (R) and round-half-up agree because log2(n) is never k + 1/2.
    half_even = _round_log2(n, ROUND_HALF_EVEN) + 3
    half_up = _round_log2(n, ROUND_HALF_UP) + 3
    assert half_even == half_up == round(math.log2(n) + 3)
    assert longest_run_limit(n) == half_even
    assert crossings_limit(n) == _qbinom_half_float(0.05, n - 1)


def test_critical_values_small_and_empty():
    assert longest_run_limit(0) is None
    assert crossings_limit(0) is None
    assert (longest_run_limit(1), crossings_limit(1)) == (3, 0)  # qbinom(0.05, 0, 0.5) == 0
    assert (longest_run_limit(2), crossings_limit(2)) == (4, 0)
    assert longest_run_limit(1024) == 13  # exact power of two
    # Large n stays exact and fast; compare with the float version where it is reliable.
    assert crossings_limit(1001) == _qbinom_half_float(0.05, 1000)


# --------------------------------------------------------------------------------------------------
# Run charts: analysis
# --------------------------------------------------------------------------------------------------


def test_shift_gives_signal():
    r = run_chart([10] * 12 + [20] * 12)
    assert r.centre == 15
    assert (r.n_useful, r.longest_run, r.crossings) == (24, 12, 1)
    assert (r.longest_run_max, r.crossings_min) == (8, 8)
    assert r.runs_signal and r.crossings_signal and r.signal
    assert r.longest_run_side == "over"  # the most recent of two equally long runs
    assert not r.too_short


def test_random_looking_series_no_signal():
    values = [3, 7, 4, 6, 5, 8, 2, 6, 4, 7, 3, 6, 5, 8, 4, 6]
    r = run_chart(values)
    assert r.centre == 5.5
    assert r.n_useful == 16
    assert not r.signal
    assert run_chart_explanation_da(r) == "Ingen tegn på ikke-tilfældig variation."


def test_crossings_signal_without_runs_signal():
    values = [1] * 7 + [9] * 7 + [1] * 5 + [9] * 5
    r = run_chart(values, centre=5)
    assert (r.n_useful, r.longest_run, r.crossings) == (24, 7, 3)
    assert not r.runs_signal
    assert r.crossings_signal and r.signal
    assert run_chart_explanation_da(r) == (
        "Kurven krydser kun medianen 3 gange (mindst 8 forventes): tegn på en reel ændring."
    )


def test_points_on_median_are_dropped_and_do_not_break_runs():
    # median 2; the 2 in the middle neither breaks nor extends the run of 1s.
    r = run_chart([1, 1, 2, 1, 3, 3, 3])
    assert r.centre == 2
    assert r.n_obs == 7
    assert r.n_useful == 6
    assert (r.longest_run, r.crossings) == (3, 1)


def test_median_of_even_count_and_exact_comparison():
    # 0.1 + 0.2 style rounding must not matter: the median is computed exactly.
    values = [0.1, 0.3, 0.2, 0.2]
    r = run_chart(values)
    assert r.centre == pytest.approx(0.2)
    assert r.n_useful == 2  # the two 0.2 points are exactly on the median


# Points on the centre line, decided as qicharts2 decides them for decimal data as entered. R's
# mean(c(0.1, 0.2, 0.3)) is 0.2, so qicharts2 drops the middle point; in binary arithmetic the mean of
# the three doubles is not the double 0.2.


def test_binary_arithmetic_would_miss_these_ties():
    # Control for the tests below: exact binary values do not tie, so the tests can see the fault.
    assert (Fraction(0.1) + Fraction(0.2) + Fraction(0.3)) / 3 != Fraction(0.2)
    assert sum(map(Fraction, [1.1, 1.3, 1.2, 1.0, 1.4, 1.2, 1.2])) / 7 != Fraction(1.2)
    assert Fraction(3) / Fraction(0.3) != Fraction(4) / Fraction(0.4)


def test_i_chart_point_on_the_mean_of_decimals_is_on_the_line():
    chart = i_chart([0.1, 0.2, 0.3])
    assert chart.centre == 0.2
    assert (chart.runs.n_useful, chart.runs.longest_run, chart.runs.crossings) == (2, 1, 1)


def test_i_chart_three_points_on_the_mean_are_dropped():
    chart = i_chart([1.1, 1.3, 1.2, 1.0, 1.4, 1.2, 1.2])
    assert chart.centre == 1.2
    assert (chart.runs.n_useful, chart.runs.crossings) == (4, 3)


def test_u_chart_rates_equal_to_the_centre_are_on_the_line():
    chart = u_chart([1, 3], [0.1, 0.3])
    assert chart.values == (10.0, 10.0) and chart.centre == 10.0
    assert chart.runs.n_useful == 0
    assert "ingen brugbare punkter" in run_chart_explanation_da(chart.runs, centre_name="midterlinjen")


def test_decimal_ties_in_run_and_p_charts():
    # 0.1 + 0.2 computed in binary is 0.30000000000000004: within the tolerance of the median 0.3.
    r = run_chart([0.3, 0.1 + 0.2, 0.5, 0.1])
    assert r.centre == pytest.approx(0.3)
    assert r.n_useful == 2
    p = p_chart([0.7, 1.4, 2.1], [1, 2, 3])  # weighted decimals: every point is 0.7 = the centre
    assert p.centre == 0.7 and p.runs.n_useful == 0


def test_rates_computed_in_binary_tie_within_tolerance():
    # 7/1007 and 21/3021 per patient-year are the same rate, but computed as the page computes them
    # (per 1,000 patients per year, patient-years = patients * 1/12) the floats differ in the last bits.
    year = 1 / 12
    a, b = 1000 * 7 / (1007 * year), 1000 * 21 / (3021 * year)
    assert a != b
    r = run_chart([a, 90.0, b, 80.0, b])
    assert r.n_useful == 2 and r.crossings == 1
    # A real difference, however small in quality data, is not a tie.
    assert run_chart([1.0001, 1.0, 1.0]).n_useful == 1


def test_missing_values_are_skipped():
    r = run_chart([1, None, float("nan"), 3, Decimal("NaN"), 1, 3])
    assert r.n_obs == 7
    assert r.n_useful == 4
    assert r.crossings == 3


@pytest.mark.parametrize("values", [[], [None], [float("nan"), None]])
def test_no_points(values):
    r = run_chart(values)
    assert r.centre is None
    assert r.n_useful == 0
    assert r.longest_run_max is None and r.crossings_min is None
    assert not r.signal and r.too_short


def test_one_and_two_points():
    one = run_chart([5])
    assert one.centre == 5 and one.n_useful == 0 and not one.signal
    two = run_chart([1, 2])
    assert two.centre == 1.5
    assert (two.n_useful, two.longest_run, two.crossings) == (2, 1, 1)
    assert (two.longest_run_max, two.crossings_min) == (4, 0)
    assert not two.signal and two.too_short
    assert run_chart_explanation_da(two) == (
        "Serien har kun 2 brugbare punkter; reglerne er først pålidelige fra omkring 10 punkter. "
        "Ingen tegn på ikke-tilfældig variation."
    )


def test_constant_series_has_no_useful_points():
    r = run_chart([4] * 20)
    assert r.centre == 4
    assert r.n_useful == 0
    assert r.longest_run_max is None and r.crossings_min is None
    assert not r.signal
    assert "ingen brugbare punkter" in run_chart_explanation_da(r)


def test_given_centre_and_baseline():
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert run_chart(values, centre=0).longest_run == 12
    frozen = run_chart(values, baseline=4)  # median of 1, 2, 3, 4
    assert frozen.centre == 2.5
    assert frozen.longest_run == 10 and frozen.longest_run_side == "over"
    with pytest.raises(ValueError):
        run_chart(values, baseline=0)


def test_explanations_da():
    # 8 alternating points, a run of 9 over the centre, then 5 alternating points again
    over = run_chart([5, 1] * 4 + [5] * 9 + [1, 5, 1, 5, 1], centre=3)
    assert (over.n_useful, over.longest_run, over.crossings) == (22, 9, 13)
    assert over.runs_signal and not over.crossings_signal
    assert run_chart_explanation_da(over) == "9 punkter i træk over medianen: tegn på en reel ændring."
    under = run_chart([1, 5] * 4 + [1] * 9 + [5, 1, 5, 1, 5], centre=3)
    assert run_chart_explanation_da(under, centre_name="midterlinjen") == (
        "9 punkter i træk under midterlinjen: tegn på en reel ændring."
    )
    both = run_chart([1] * 12 + [9] * 12, centre=5)
    assert run_chart_explanation_da(both) == (
        "12 punkter i træk over medianen, og kurven krydser kun medianen 1 gang (mindst 8 forventes): "
        "tegn på en reel ændring."
    )
    short = run_chart([1, 2, 1], centre=1.5)
    assert run_chart_explanation_da(short).startswith("Serien har kun 3 brugbare punkter;")
    single = run_chart([1], centre=0)
    assert run_chart_explanation_da(single).startswith("Serien har kun 1 brugbart punkt;")


def _runs_brute(values, centre):
    sides = [1 if v > centre else -1 for v in values if v is not None and v != centre]
    return [(k, len(list(g))) for k, g in itertools.groupby(sides)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(-5, 5)), max_size=60))
def test_run_chart_properties(values):
    r = run_chart(values)
    present = [v for v in values if v is not None]
    if not present:
        assert r.centre is None
        return
    runs = _runs_brute(values, Fraction(r.centre))
    assert r.n_useful == sum(length for _, length in runs)
    if r.n_useful == 0:
        assert not r.signal and r.crossings_min is None
        return
    assert r.crossings == len(runs) - 1
    assert r.longest_run == max(length for _, length in runs)
    assert 0 <= r.crossings_min <= r.n_useful - 1
    assert r.signal == (r.longest_run > r.longest_run_max or r.crossings < r.crossings_min)
    # Mirroring the series around its centre changes the side, not the analysis.
    mirrored = run_chart([None if v is None else -v for v in values])
    assert (mirrored.longest_run, mirrored.crossings, mirrored.signal) == (
        r.longest_run,
        r.crossings,
        r.signal,
    )
    assert {mirrored.longest_run_side, r.longest_run_side} == {"over", "under"}


# --------------------------------------------------------------------------------------------------
# Run charts that compare like with like (seasonal indicators)
# --------------------------------------------------------------------------------------------------

WINTER = [130, 125, 110, 95, 85, 75, 70, 75, 90, 105, 120, 130]  # a practice's usual year


def _years(*levels, noise=(2, -2, 1, -1, 0, 2, -2, 1, -1, 2, -2, 1)):
    return [round(m * level + e, 6) for level in levels for m, e in zip(WINTER, noise, strict=True)]


def test_a_winter_peak_is_no_signal_when_winters_are_compared_with_winters():
    values = _years(1.0, 1.0, 1.0, 1.0, 1.0)
    values = [v + (i // 12) * (1 if i % 2 else -1) for i, v in enumerate(values)]  # year-to-year noise
    months = [i % 12 + 1 for i in range(len(values))]
    plain = run_chart(values)
    assert plain.signal  # the median of all months calls every winter a change
    assert "tegn på en reel ændring." in run_chart_explanation_da(plain)
    seasonal = seasonal_run_chart(values, months)
    assert seasonal.seasonal and seasonal.centre is None
    assert seasonal.centres[0] == seasonal.centres[12]  # January's median, for every January
    assert not seasonal.signal
    assert run_chart_explanation_da(seasonal) == (
        "Ingen tegn på ikke-tilfældig variation i forhold til samme måned de andre år."
    )


def test_a_real_shift_shows_against_the_same_months():
    values = _years(1.0, 1.02, 0.98, 0.8, 0.78)  # 20 % less from year four on, in every month
    seasonal = seasonal_run_chart(values, [i % 12 + 1 for i in range(60)])
    assert seasonal.runs_signal and seasonal.longest_run_side == "under"
    assert (seasonal.n_useful, seasonal.longest_run) == (48, 24)  # the middle year is the median
    assert run_chart_explanation_da(seasonal).startswith(
        "24 punkter i træk under medianen for samme måned, og kurven krydser kun medianen for samme "
        "måned 1 gang"
    )
    assert run_chart_explanation_da(seasonal).endswith(
        "tegn på en reel ændring ud over den sædvanlige sæsonvariation."
    )
    quarters = run_chart_explanation_da(seasonal, season_noun="kvartal")
    assert "medianen for samme kvartal" in quarters


def test_seasonal_centres_baseline_and_missing():
    values = [1, 10, 2, 20, 3, None]
    r = seasonal_run_chart(values, ["a", "b"] * 3)
    assert r.centres == (2.0, 15.0, 2.0, 15.0, 2.0, 15.0)
    assert (r.n_obs, r.n_useful) == (6, 4)  # 2 is on the median of "a"; the missing point is skipped
    frozen = seasonal_run_chart([1, 10, 2, 20, 3, 30], ["a", "b", "a", "b", "a", "c"], baseline=2)
    assert frozen.centres == (1.0, 10.0, 1.0, 10.0, 1.0, None)  # no baseline value for season "c"
    assert frozen.n_useful == 3
    one_year = seasonal_run_chart([5, 6, 7], [1, 2, 3])
    assert one_year.n_useful == 0  # one value per season: each point is its own median
    with pytest.raises(ValueError):
        seasonal_run_chart([1, 2], [1])


# --------------------------------------------------------------------------------------------------
# Control charts
# --------------------------------------------------------------------------------------------------


def test_p_chart_pooled_centre_and_limits():
    chart = p_chart([2, 4, 6, 30], [20, 20, 40, 40])
    pbar = 42 / 120
    assert chart.centre == pytest.approx(pbar)
    for i, n in enumerate([20, 20, 40, 40]):
        sigma = math.sqrt(pbar * (1 - pbar) / n)
        assert chart.ucl[i] == pytest.approx(min(1, pbar + 3 * sigma))
        assert chart.lcl[i] == pytest.approx(max(0, pbar - 3 * sigma))
    assert chart.values == pytest.approx((0.1, 0.2, 0.15, 0.75))
    assert chart.outside == (False, False, False, True)
    assert chart.n_outside == 1 and chart.signal
    assert chart.runs.centre == chart.centre


def test_p_chart_clipping_missing_and_zero_denominator():
    chart = p_chart([1, None, 0, 9, 1], [2, 10, 0, 10, 10])
    assert chart.centre == 0.5  # 11/22: the missing numerator and the empty month are left out
    assert chart.values == (0.5, None, None, 0.9, 0.1)
    assert chart.lcl[1] is None and chart.ucl[2] is None
    assert (chart.lcl[0], chart.ucl[0]) == (0.0, 1.0)  # 0.5 ± 3 * 0.354 is clipped to [0, 1]
    assert chart.ucl[3] == pytest.approx(0.5 + 3 * math.sqrt(0.025))
    assert chart.outside == (False, False, False, False, False)


def test_p_chart_all_zero_is_not_outside():
    chart = p_chart([0, 0, 0], [10, 20, 30])
    assert chart.centre == 0
    assert chart.lcl == (0.0, 0.0, 0.0) and chart.ucl == (0.0, 0.0, 0.0)
    assert not any(chart.outside)  # strict: a point on a limit is inside
    assert chart.runs.n_useful == 0


def test_p_chart_baseline_and_validation():
    chart = p_chart([1, 1, 5, 5], [10, 10, 10, 10], baseline=2)
    assert chart.centre == pytest.approx(0.1)
    with pytest.raises(ValueError):
        p_chart([11], [10])
    with pytest.raises(ValueError):
        p_chart([1, 2], [10])


def test_p_chart_month_with_only_one_of_numerator_and_denominator_is_left_out():
    # Klynge's convention: a month needs both figures. qicharts2 sums numerators and denominators
    # separately (sum(y, na.rm = TRUE) / sum(n, na.rm = TRUE)), which would give (1 + 9 + 5) / 20 here.
    chart = p_chart([1, 9, 5, None], [10, 10, None, 10])
    assert chart.centre == 0.5
    assert chart.values == (0.1, 0.9, None, None)
    assert chart.lcl[2] is None and chart.lcl[3] is None


def test_u_chart_month_with_only_one_of_count_and_exposure_is_left_out():
    chart = u_chart([4, 6, 9, None], [100, 100, None, 50], multiplier=1000)
    assert chart.centre == pytest.approx(50.0)  # (4 + 6) / 200 per 1,000; qicharts2: 19 / 250
    assert chart.values[2] is None and chart.ucl[2] is None and chart.ucl[3] is None


def test_p_chart_point_equal_to_centre_is_exact():
    # p̄ = 7/21 = 1/3; the points 1/3 and 2/6 are on the centre line, exactly.
    chart = p_chart([1, 2, 4], [3, 6, 12])
    assert chart.runs.n_useful == 0


def test_u_chart_limits_and_multiplier():
    counts, exposure = [3, 5, 4, 20], [200, 210, 190, 220]
    raw = u_chart(counts, exposure)
    ubar = 32 / 820
    assert raw.centre == pytest.approx(ubar)
    for i, n in enumerate(exposure):
        assert raw.ucl[i] == pytest.approx(ubar + 3 * math.sqrt(ubar / n))
        assert raw.lcl[i] == pytest.approx(max(0.0, ubar - 3 * math.sqrt(ubar / n)))
    per_1000 = u_chart(counts, exposure, multiplier=1000)
    assert per_1000.multiplier == 1000
    assert per_1000.centre == pytest.approx(ubar * 1000)
    assert per_1000.values == pytest.approx(tuple(v * 1000 for v in raw.values))
    assert per_1000.ucl == pytest.approx(tuple(v * 1000 for v in raw.ucl))
    assert per_1000.outside == raw.outside == (False, False, False, True)
    assert per_1000.runs.centre == pytest.approx(ubar * 1000)
    assert (per_1000.runs.n_useful, per_1000.runs.crossings) == (raw.runs.n_useful, raw.runs.crossings)


def test_i_chart_screens_large_moving_ranges_once():
    values = [1, 2, 1, 2, 1, 2, 1, 2, 1, 20]
    chart = i_chart(values)
    # moving ranges: eight 1s and one 19; average 27/9 = 3; 19 >= 3.267 * 3 is removed -> AMR 1
    sigma = 1 / 1.128
    assert chart.centre == pytest.approx(3.3)
    assert chart.ucl[0] == pytest.approx(3.3 + 3 * sigma)
    assert chart.lcl[0] == pytest.approx(3.3 - 3 * sigma)
    assert chart.outside[-1] and sum(chart.outside) == 1


def test_i_chart_gap_breaks_moving_range():
    chart = i_chart([1, None, 5, 6])
    # the gap leaves one moving range (5 -> 6): sigma = 1 / 1.128
    assert chart.centre == pytest.approx(4)
    assert chart.lcl[1] is None and chart.values[1] is None
    assert chart.ucl[0] == pytest.approx(4 + 3 / 1.128)
    assert chart.outside == (True, False, False, False)  # 1 < 4 - 2.66
    assert i_chart([]).centre is None


def test_i_chart_without_variation_has_no_limits():
    # qicharts2: a constant series has average moving range 0, its screening averages an empty set,
    # and the limits are NaN (none). Limits equal to the centre would flag any later change.
    flat = i_chart([7, 7, 7])
    assert flat.centre == 7.0
    assert flat.lcl == flat.ucl == (None, None, None) and not any(flat.outside)
    # The only moving range (5 -> 5) is 0: no estimate of the common-cause variation either.
    gap = i_chart([1, None, 5, 5])
    assert gap.ucl == (None, None, None, None) and not gap.signal
    # Screening that leaves only zero moving ranges gives sigma 0 as well: no limits.
    screened = i_chart([5] * 9 + [15])
    assert screened.ucl[0] is None and not any(screened.outside)
    # Control: one real moving range gives limits.
    assert i_chart([7, 7, 8]).ucl[0] is not None


# --------------------------------------------------------------------------------------------------
# Funnel plots
# --------------------------------------------------------------------------------------------------


def test_z_values():
    assert round(Z_95, 6) == 1.959964
    assert round(Z_998, 6) == 3.090232


def _exact_binomial_limit(theta: Fraction, n: int, p: Fraction) -> Fraction:
    """Spiegelhalter's interpolated limit computed with exact fractions."""
    pmf = [math.comb(n, k) * theta**k * (1 - theta) ** (n - k) for k in range(n + 1)]
    cdf = list(itertools.accumulate(pmf))
    r = next(k for k, c in enumerate(cdf) if c >= p)
    alpha = (cdf[r] - p) / pmf[r]
    return min(Fraction(1), max(Fraction(0), (r - alpha) / n))


def _brute_poisson_limit(lam: float, exposure: float, p: float) -> float:
    top = int(lam + 40 * math.sqrt(lam) + 60)
    pmf = [math.exp(k * math.log(lam) - lam - math.lgamma(k + 1)) for k in range(top)]
    cdf = list(itertools.accumulate(pmf))
    r = next(k for k, c in enumerate(cdf) if c >= p)
    alpha = (cdf[r] - p) / pmf[r]
    return max(0.0, (r - alpha) / exposure)


PS = (Fraction(25, 1000), Fraction(975, 1000), Fraction(1, 1000), Fraction(999, 1000))


@pytest.mark.parametrize(
    ("theta", "n"),
    [
        (Fraction(3, 10), 40),
        (Fraction(1, 20), 25),
        (Fraction(1, 2), 11),
        (Fraction(9, 10), 50),
        (Fraction(3, 10), 1),
    ],
)
def test_exact_binomial_limits_match_fraction_brute_force(theta, n):
    limits = funnel_limits_proportion(float(theta), n)
    got = (limits.lower95, limits.upper95, limits.lower998, limits.upper998)
    expected = tuple(float(_exact_binomial_limit(theta, n, p)) for p in PS)
    assert got == pytest.approx(expected, abs=1e-12)


def test_worked_example_theta_03_n_40():
    # X ~ Bin(40, 0.3) has mean 12; the 0.975-quantile is r = 18 with F(17) = 0.968049 and
    # F(18) = 0.985223, P(X = 18) = 0.017174: alpha = (0.985223 - 0.975) / 0.017174 = 0.59525,
    # so the upper 95 % limit is (18 - 0.59525) / 40 = 0.435119.
    limits = funnel_limits_proportion(0.3, 40)
    assert limits.upper95 == pytest.approx(0.435119, abs=1e-6)
    assert binomial_cdf(17, 40, 0.3) == pytest.approx(0.968049, abs=1e-6)
    assert binomial_cdf(18, 40, 0.3) == pytest.approx(0.985223, abs=1e-6)
    normal = funnel_limits_proportion(0.3, 40, method="normal")
    assert normal.upper95 == pytest.approx(0.3 + 1.959964 * math.sqrt(0.21 / 40))
    # At practice sizes the two methods differ in the second decimal.
    assert abs(normal.lower95 - limits.lower95) > 0.005


def test_binomial_cdf_large_n_against_exact_integers():
    n = 3000  # theta = 3/10 exactly
    for k in (850, 900, 950):
        exact = sum(math.comb(n, j) * 3**j * 7 ** (n - j) for j in range(k + 1)) / Fraction(10**n)
        assert binomial_cdf(k, n, 0.3) == pytest.approx(float(exact), abs=1e-12)


@pytest.mark.parametrize("theta", [0.02, 0.3, 0.5, 0.85])
def test_exact_and_normal_converge_for_large_n(theta):
    n = 100_000
    exact = funnel_limits_proportion(theta, n)
    normal = funnel_limits_proportion(theta, n, method="normal")
    for a, b in zip(
        (exact.lower95, exact.upper95, exact.lower998, exact.upper998),
        (normal.lower95, normal.upper95, normal.lower998, normal.upper998),
        strict=True,
    ):
        assert abs(a - b) < 5 / n


@pytest.mark.parametrize(("theta", "exposure"), [(0.3, 40), (0.012, 1000), (2.5, 0.2), (0.05, 10)])
def test_exact_poisson_limits_match_brute_force(theta, exposure):
    limits = funnel_limits_rate(theta, exposure)
    got = (limits.lower95, limits.upper95, limits.lower998, limits.upper998)
    expected = tuple(_brute_poisson_limit(theta * exposure, exposure, float(p)) for p in PS)
    assert got == pytest.approx(expected, abs=1e-12)
    assert poisson_cdf(3, 0.5) == pytest.approx(
        sum(math.exp(-0.5) * 0.5**k / math.factorial(k) for k in range(4))
    )


def test_rate_normal_and_convergence():
    normal = funnel_limits_rate(0.02, 100, method="normal")
    assert normal.upper998 == pytest.approx(0.02 + 3.090232 * math.sqrt(0.02 / 100), rel=1e-6)
    assert normal.lower998 == 0.0  # clipped
    exact = funnel_limits_rate(0.02, 10_000_000)
    big = funnel_limits_rate(0.02, 10_000_000, method="normal")
    assert abs(exact.upper95 - big.upper95) < 5 / 10_000_000


def test_degenerate_funnel_inputs():
    empty = funnel_limits_proportion(0.3, 0)
    assert empty.lower95 is None and empty.upper998 is None
    zero = funnel_limits_proportion(0.0, 30)
    assert zero.lower95 == 0.0 and zero.upper998 == 0.0
    one = funnel_limits_proportion(1.0, 30)
    assert (one.lower998, one.upper998) == (1.0, 1.0)  # a point mass has no spread
    assert not funnel_points([30], [30], target=1.0).points[0].outside95
    assert funnel_limits_rate(0.0, 10).upper95 == 0.0
    with pytest.raises(ValueError):
        funnel_limits_proportion(1.5, 10)
    with pytest.raises(ValueError):
        funnel_limits_proportion(0.3, 10.5)


def _mid_p_brute(k: int, n: int, theta: Fraction) -> tuple[Fraction, Fraction]:
    pmf = [math.comb(n, j) * theta**j * (1 - theta) ** (n - j) for j in range(n + 1)]
    return sum(pmf[:k]) + pmf[k] / 2, sum(pmf[k + 1 :]) + pmf[k] / 2


def test_extreme_counts_are_flagged_by_their_tail_probability_not_the_interpolated_limit():
    # Spiegelhalter's interpolated upper limit lies between r - 1 and r (Seaton & Manktelow 2012):
    # with theta0 = 0.9 the 99.8 % limit at n = 11 is below 11/11, so comparing the count with the
    # curve flags 11/11 although P(X >= 11) = 0.9**11 = 0.31.
    assert funnel_limits_proportion(0.9, 11).upper998 < 1.0
    assert funnel_limits_proportion(0.9, 30).upper998 < 1.0
    eleven = funnel_points([11], [11], target=0.9).points[0]
    assert not eleven.outside95 and not eleven.outside998
    assert eleven.p_value == pytest.approx(float(_mid_p_brute(11, 11, Fraction(9, 10))[1]), abs=1e-12)
    # 30/30: P(X = 30) = 0.042, mid-p 0.021 -> outside 95 %, not 99.8 %.
    thirty = funnel_points([30], [30], target=0.9).points[0]
    assert thirty.p_value == pytest.approx(0.9**30 / 2, abs=1e-12)
    assert (thirty.outside95, thirty.outside998, thirty.direction) == (True, False, "over")
    # 0/30 at theta0 = 0.1: P(X = 0) = 0.042, mid-p 0.021 < 0.025 -> outside 95 % (under); the
    # interpolated lower limit is clipped to 0 and never flagged it.
    zero = funnel_points([0], [30], target=0.1).points[0]
    assert funnel_limits_proportion(0.1, 30).lower95 == 0.0
    assert (zero.outside95, zero.outside998, zero.direction) == (True, False, "under")
    # Poisson: 0 events where 4 are expected has P = e^-4 = 0.018, mid-p 0.009.
    rate = funnel_points([0], [100], target=0.04, kind="rate").points[0]
    assert rate.p_value == pytest.approx(math.exp(-4) / 2) and rate.outside95 and not rate.outside998


@pytest.mark.parametrize(
    ("theta", "n"), [(Fraction(3, 10), 40), (Fraction(1, 20), 25), (Fraction(9, 10), 12)]
)
def test_exact_flags_follow_mid_p(theta, n):
    plot = funnel_points(list(range(n + 1)), [n] * (n + 1), target=float(theta))
    for k, point in enumerate(plot.points):
        lower, upper = _mid_p_brute(k, n, theta)
        assert point.p_value == pytest.approx(float(min(lower, upper)), abs=1e-12)
        assert point.outside95 == (min(lower, upper) < Fraction(25, 1000))
        assert point.outside998 == (min(lower, upper) < Fraction(1, 1000))
    with pytest.raises(ValueError):
        funnel_points([2.5], [10], target=0.3)  # exact limits need whole counts


def test_phi_only_for_normal_limits():
    with pytest.raises(ValueError):
        funnel_limits_proportion(0.3, 40, phi=2.0)
    plain = funnel_limits_proportion(0.3, 400, method="normal")
    wide = funnel_limits_proportion(0.3, 400, method="normal", phi=4.0)
    assert wide.upper95 - 0.3 == pytest.approx(2 * (plain.upper95 - 0.3))
    assert wide.lower998 - 0.3 == pytest.approx(2 * (plain.lower998 - 0.3))


def test_funnel_points_flags():
    plot = funnel_points([20, 12, 2, 0, 5], [40, 40, 40, 0, None], target=0.3)
    a, b, c, d, e = plot.points
    limits = funnel_limits_proportion(0.3, 40)
    assert a.value == 0.5 and a.limits == limits
    assert limits.upper95 < 0.5 < limits.upper998
    assert (a.outside95, a.outside998, a.direction) == (True, False, "over")
    assert (b.outside95, b.direction) == (False, None)
    assert c.value == 0.05 and c.outside95 and c.outside998 and c.direction == "under"
    assert d.value is None and d.limits.lower95 is None and not d.outside95
    assert e.value is None


def test_funnel_points_pooled_target_and_rates():
    plot = funnel_points([10, 30], [100, 100])
    assert plot.target == pytest.approx(0.2)
    rates = funnel_points([3, 40], [1000, 1000], kind="rate", method="normal")
    assert rates.target == pytest.approx(43 / 2000)
    assert rates.points[1].outside998 and rates.points[0].direction == "under"


def test_overdispersion_phi():
    # z-scores 0, +2, -2 -> phi = 8/3
    assert overdispersion_phi([50, 60, 40], [100, 100, 100], 0.5) == pytest.approx(8 / 3)
    # Winsorised: ten units with z = -9, 1, ..., 1, 9 (n = 100, theta0 = 0.5, sd = 0.05).
    events = [5] + [55] * 8 + [95]
    z = [-9.0] + [1.0] * 8 + [9.0]
    assert overdispersion_phi(events, [100] * 10, 0.5) == pytest.approx(sum(x * x for x in z) / 10)
    # 10th/90th percentiles (type 7) are -9 + 0.9 * 10 = 0 and 1 + 0.1 * 8 = 1.8
    winsorised = [0.0] + [1.0] * 8 + [1.8]
    assert overdispersion_phi(events, [100] * 10, 0.5, winsorise=True) == pytest.approx(
        sum(x * x for x in winsorised) / 10
    )
    rate_phi = overdispersion_phi([10, 30], [1000, 1000], 0.02, kind="rate")
    assert rate_phi == pytest.approx(((0.01 - 0.02) ** 2 + (0.03 - 0.02) ** 2) / (0.02 / 1000) / 2)
    assert overdispersion_phi([], [], 0.3) is None


# Funnel method per kind of indicator, over-dispersion (Spiegelhalter 2005) ------------------------


@pytest.mark.parametrize(("x", "df"), [(3.841459, 1), (18.307038, 10), (19.675138, 11), (36.415029, 24)])
def test_chi2_upper_points_from_published_tables(x, df):
    assert chi2_sf(x, df) == pytest.approx(0.05, abs=1e-6)


@pytest.mark.parametrize("x", [0.1, 2.0, 7.5, 30.0, 90.0])
@pytest.mark.parametrize("k", [1, 3, 12])
def test_chi2_even_degrees_closed_form(x, k):
    closed = math.exp(-x / 2) * sum((x / 2) ** i / math.factorial(i) for i in range(k))
    assert chi2_sf(x, 2 * k) == pytest.approx(closed, rel=1e-10, abs=1e-300)


def _spiegelhalter_brute(events, exposures, theta, variance):
    """Independent Winsorised phi and additive tau2 (statistics.quantiles 'inclusive' is R type 7)."""
    import statistics

    z = [(e / n - theta) / math.sqrt(variance / n) for e, n in zip(events, exposures, strict=True)]
    q = statistics.quantiles(z, n=10, method="inclusive")
    zw = [min(q[-1], max(q[0], x)) for x in z]
    units = len(z)
    phi = sum(x * x for x in zw) / units
    w = [n / variance for n in exposures]
    tau2 = max(0.0, (units * phi - (units - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))
    return phi, tau2


# Twelve practices' antibiotic prescriptions in a year: real differences of about 15 % between them.
RX = [1100, 1480, 940, 1830, 1210, 760, 1650, 1320, 990, 2100, 1270, 1405]
PATIENT_YEARS = [2300, 3100, 2500, 3500, 2800, 1700, 3300, 2900, 2400, 4100, 2600, 3000]


def test_overdispersed_event_rates_get_spiegelhalters_additive_limits():
    analysis = funnel_analysis(RX, PATIENT_YEARS, kind="event_rate")
    theta = sum(RX) / sum(PATIENT_YEARS)
    phi, tau2 = _spiegelhalter_brute(RX, PATIENT_YEARS, theta, theta)
    assert analysis.target == pytest.approx(theta)
    assert analysis.phi == pytest.approx(phi, rel=1e-12)
    assert analysis.phi > 5 and analysis.overdispersed
    assert analysis.overdispersion_p == pytest.approx(chi2_sf(12 * phi, 11))
    assert (analysis.method, analysis.adjustment) == ("normal", "additive")
    assert analysis.tau2 == pytest.approx(tau2, rel=1e-12)
    for point, n in zip(analysis.points, PATIENT_YEARS, strict=True):
        se = math.sqrt(theta / n + tau2)
        assert point.limits.upper998 == pytest.approx(theta + Z_998 * se)
        assert point.limits.lower95 == pytest.approx(theta - Z_95 * se)
        assert point.limits == analysis.limits_at(n)
    # Without the adjustment most practices fall outside 99.8 %; with it, few do.
    plain = funnel_analysis(RX, PATIENT_YEARS, kind="event_rate", adjust=False)
    assert (plain.method, plain.adjustment, plain.tau2) == ("exact", "none", None)
    assert (plain.n_outside95, plain.n_outside998) == (6, 4)
    assert (analysis.unadjusted_outside95, analysis.unadjusted_outside998) == (6, 4)
    assert (analysis.n_outside95, analysis.n_outside998) == (1, 0)


def test_chance_variation_keeps_the_exact_limits():
    # Counts close to what chance gives around 0.45 per patient-year: phi near 1, no adjustment.
    events = [1035, 1380, 1140, 1590, 1248, 770, 1500, 1290, 1075, 1850, 1170, 1355]
    analysis = funnel_analysis(events, PATIENT_YEARS, kind="event_rate")
    assert analysis.phi < 2 and not analysis.overdispersed
    assert (analysis.method, analysis.adjustment, analysis.tau2) == ("exact", "none", None)
    assert analysis.points[0].limits == funnel_limits_rate(analysis.target, PATIENT_YEARS[0])
    assert analysis.unadjusted_outside95 == analysis.n_outside95


def test_overdispersed_proportions():
    penv = [420, 300, 350, 180, 510, 260, 330, 290, 450, 240, 380, 310]
    all_rx = [1100, 1080, 940, 830, 1210, 760, 1050, 920, 990, 1000, 1070, 905]
    analysis = funnel_analysis(penv, all_rx, kind="proportion")
    theta = sum(penv) / sum(all_rx)
    phi, tau2 = _spiegelhalter_brute(penv, all_rx, theta, theta * (1 - theta))
    assert analysis.phi == pytest.approx(phi, rel=1e-12) and analysis.tau2 == pytest.approx(tau2)
    assert analysis.adjustment == "additive"
    assert all(0.0 <= p.limits.lower998 <= p.limits.upper998 <= 1.0 for p in analysis.points)


def test_continuous_quantities_give_the_same_flags_in_any_unit():
    # DDD of a drug and patient-days of twelve practices; 0.1-DDD units multiply every DDD by 10.
    ddd = [410.0, 530.5, 300.2, 720.0, 455.0, 260.0, 610.3, 480.0, 330.0, 905.5, 440.0, 515.0]
    days = [n * 365 for n in PATIENT_YEARS]
    in_ddd = funnel_analysis(ddd, days, kind="continuous")
    in_tenths = funnel_analysis([10 * x for x in ddd], days, kind="continuous")
    assert (in_ddd.method, in_ddd.adjustment) == ("normal", "scale")
    flags = [(p.outside95, p.outside998, p.direction) for p in in_ddd.points]
    assert flags == [(p.outside95, p.outside998, p.direction) for p in in_tenths.points]
    assert [p.p_value for p in in_tenths.points] == pytest.approx([p.p_value for p in in_ddd.points])
    assert in_tenths.limits_at(1000).upper95 == pytest.approx(10 * in_ddd.limits_at(1000).upper95)
    assert in_ddd.n_outside998 < len(ddd)
    # Control: treating DDD as Poisson counts changes the verdict with the unit.
    poisson = funnel_points(ddd, days, kind="rate", method="normal")
    poisson_tenths = funnel_points([10 * x for x in ddd], days, kind="rate", method="normal")
    assert sum(p.outside998 for p in poisson_tenths.points) > sum(p.outside998 for p in poisson.points)
    # The spread: phi is the Winsorised mean of n (y - theta)^2 / theta.
    theta = sum(ddd) / sum(days)
    phi, _ = _spiegelhalter_brute(ddd, days, theta, theta)
    assert in_ddd.phi == pytest.approx(phi)
    se = math.sqrt(phi * theta / days[0])
    assert in_ddd.points[0].limits.upper998 == pytest.approx(theta + Z_998 * se)


def _poisson_draw(rng, lam: float) -> int:
    """Knuth's multiplication method: slow for large means, but independent of the code under test."""
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def test_calibration_on_simulated_clusters():
    import random

    rng = random.Random(17)
    replications, units = 80, 12
    # Chance alone: the over-dispersion test rarely fires and about 5 % of units fall outside 95 %.
    fired = flagged = 0
    for _ in range(replications):
        exposure = [rng.uniform(100, 450) for _ in range(units)]
        analysis = funnel_analysis(
            [_poisson_draw(rng, 0.45 * n) for n in exposure], exposure, kind="event_rate"
        )
        fired += analysis.overdispersed
        flagged += analysis.n_outside95
    assert fired / replications < 0.05
    assert 0.02 < flagged / (replications * units) < 0.08
    # Real differences of 20 % between practices: the test fires, and the adjusted limits flag a
    # small fraction of the units that the count model alone calls unusual.
    fired = adjusted = plain = 0
    for _ in range(replications):
        exposure = [rng.uniform(100, 450) for _ in range(units)]
        true_rate = [0.45 * rng.gammavariate(25, 0.04) for _ in range(units)]
        counts = [_poisson_draw(rng, r * n) for r, n in zip(true_rate, exposure, strict=True)]
        analysis = funnel_analysis(counts, exposure, kind="event_rate")
        fired += analysis.overdispersed
        adjusted += analysis.n_outside998
        plain += analysis.unadjusted_outside998
    assert fired / replications > 0.7
    assert adjusted < plain / 5


def test_funnel_explanations_in_danish():
    adjusted = funnel_analysis(RX, PATIENT_YEARS, kind="event_rate")
    texts = funnel_explanation_da(adjusted, scale=1000, unit="pr. 1.000 pt. pr. år")
    assert texts[0].startswith("Indikatoren er et antal hændelser pr. patientår")
    assert "φ = 6,8 gange så meget, som tilfældet alene giver (p < 0,001)" in texts[1]
    tau = f"{math.sqrt(adjusted.tau2) * 1000:.1f}".replace(".", ",")
    assert f"τ = {tau} pr. 1.000 pt. pr. år (én standardafvigelse)." in texts[1]
    assert (
        texts[2]
        == "Uden justeringen ville 4 af 12 praksis ligge uden for 99,8 %-grænserne; med den er det 0."
    )
    assert funnel_method_da(adjusted).endswith("(Spiegelhalters additive model)")
    plain = funnel_analysis(RX, PATIENT_YEARS, kind="event_rate", adjust=False)
    assert funnel_method_da(plain) == "eksakte Poisson-grænser"
    share = funnel_analysis([30, 31, 29, 30, 30], [100] * 5, kind="proportion")
    assert funnel_method_da(share) == "eksakte binomialgrænser"
    assert "ikke tydeligt mere end 1" in funnel_explanation_da(share)[1]
    assert "mid-p" in funnel_explanation_da(share)[2]
    ddd = funnel_analysis([100.0, 120.0, 80.0, 110.0, 90.0], [1000] * 5, kind="continuous")
    # Winsorised deviations 0, ±0.016, ±0.01 around 0.1: sd 0.0119, about 12 % of the value.
    assert "typisk 12 % fra klyngens værdi" in funnel_explanation_da(ddd)[1]
    few = funnel_analysis([100.0, 120.0], [1000] * 2, kind="continuous")
    assert "kun 2 praksis" in funnel_explanation_da(few)[1]


def test_continuous_needs_enough_units_and_exact_kinds_need_counts():
    few = funnel_analysis([10.0, 20.0, 30.0, 40.0], [100, 100, 100, 100], kind="continuous")
    assert few.too_few and all(p.limits.lower95 is None and not p.outside95 for p in few.points)
    assert few.limits_at(100).upper95 is None
    assert not funnel_analysis([10.0] * 5, [100] * 5, kind="continuous").too_few
    with pytest.raises(ValueError):
        funnel_analysis([2.5, 3], [10, 10], kind="event_rate")
    with pytest.raises(ValueError):
        funnel_analysis([1, 2], [10, 10], kind="ddd")


def test_a_target_of_one_or_zero_has_no_spread():
    # A point mass: every limit is the target; a unit that differs at all is impossible under it
    # (tail probability 0) and flagged, a unit on the target is not. No phi can be formed.
    at_one = funnel_analysis([30, 29, 40], [30, 30, 40], kind="proportion", target=1.0)
    assert at_one.limits_at(30) == funnel_limits_proportion(1.0, 30)
    assert (at_one.limits_at(30).lower998, at_one.limits_at(30).upper998) == (1.0, 1.0)
    assert [p.outside998 for p in at_one.points] == [False, True, False]
    assert at_one.phi is None and at_one.adjustment == "none"
    at_zero = funnel_analysis([0, 1], [1000, 1000], kind="event_rate", target=0.0)
    assert [p.outside998 for p in at_zero.points] == [False, True]
    assert funnel_analysis([0.0] * 6, [10] * 6, kind="continuous").n_outside95 == 0


@settings(max_examples=200, deadline=None)
@given(st.floats(0.0005, 0.9995), st.integers(1, 5000))
def test_funnel_limits_nested(theta, n):
    for method in ("exact", "normal"):
        lim = funnel_limits_proportion(theta, n, method=method)
        assert 0.0 <= lim.lower998 <= lim.lower95 <= lim.upper95 <= lim.upper998 <= 1.0
        rate = funnel_limits_rate(theta, n / 7, method=method)
        assert 0.0 <= rate.lower998 <= rate.lower95 <= rate.upper95 <= rate.upper998


# --------------------------------------------------------------------------------------------------
# Suppression (diskretionering)
# --------------------------------------------------------------------------------------------------


def test_constants():
    assert (MIN_COUNT, MIN_DENOMINATOR) == (5, 11)


@pytest.mark.parametrize(("count", "shown"), [(0, 0), (1, None), (4, None), (5, 5), (100, 100), (None, None)])
def test_suppress_count(count, shown):
    assert suppress_count(count) == shown


@pytest.mark.parametrize(
    ("num", "den", "shown"),
    [
        (0, 11, 0.0),
        (5, 11, 5 / 11),
        (5, 10, None),
        (0, 10, None),
        (4, 100, None),
        (1, 100, None),
        (50, 100, 0.5),
        (0, 0, None),
        (None, 100, None),
        (5, None, None),
    ],
)
def test_suppress_share(num, den, shown):
    assert suppress_share(num, den) == shown


def test_is_suppressed():
    assert is_suppressed(3)
    assert not is_suppressed(0) and not is_suppressed(5)
    assert is_suppressed(20, 10) and not is_suppressed(5, 11)
    assert is_suppressed(None, 10) and not is_suppressed(None)
    with pytest.raises(ValueError):
        is_suppressed(-1)
    with pytest.raises(ValueError):
        is_suppressed(12, 11)
    with pytest.raises(TypeError):
        is_suppressed(2.5)


def test_complementary_suppression():
    assert complementary_suppression([3, 20, 10, 7], 40) == [None, 20, 10, None]
    # zeros are not used as the second hidden cell while a non-zero cell is available
    assert complementary_suppression([2, 0, 9, 30], 41) == [None, 0, None, 30]
    # two primary cells already protect each other
    assert complementary_suppression([2, 3, 30], 35) == [None, None, 30]
    # nothing to hide
    assert complementary_suppression([5, 0, 30], 35) == [5, 0, 30]
    # no total shown: no second cell
    assert complementary_suppression([3, 20, 10], None) == [None, 20, 10]
    # everything else is zero (the total, 3, must itself be hidden by suppress_count)
    assert complementary_suppression([3, 0, 0], 3) == [None, None, 0]
    with pytest.raises(ValueError):
        complementary_suppression([3, 20], 40)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=2, max_size=8), st.booleans())
def test_suppression_never_reveals_small_counts(cells, show_total):
    total = sum(cells) if show_total else None
    out = complementary_suppression(cells, total)
    for c, o in zip(cells, out, strict=True):
        assert o is None or not 1 <= o <= 4
        if o is not None:
            assert o == c
    hidden = [i for i, o in enumerate(out) if o is None]
    if show_total and hidden:
        assert len(hidden) >= 2  # a single hidden cell could be found by subtraction
    for c in cells:
        shown = suppress_count(c)
        assert shown is None or not 1 <= shown <= 4
        for d in (c, c + 3, c + 11):
            if suppress_share(c, d) is not None:
                assert d >= MIN_DENOMINATOR and not 1 <= c <= 4


# --------------------------------------------------------------------------------------------------
# Pseudonyms
# --------------------------------------------------------------------------------------------------


def test_pseudonym_labels():
    assert pseudonym_label(0) == "Praksis A"
    assert pseudonym_label(25) == "Praksis Z"
    assert pseudonym_label(26) == "Praksis AA"
    assert pseudonym_label(27) == "Praksis AB"
    assert pseudonym_label(701) == "Praksis ZZ"
    assert pseudonym_label(702) == "Praksis AAA"
    with pytest.raises(ValueError):
        pseudonym_label(-1)


def test_pseudonyms_follow_given_order():
    assert pseudonyms([17, 3, 42]) == {17: "Praksis A", 3: "Praksis B", 42: "Praksis C"}
    labels = pseudonyms(range(30))
    assert len(set(labels.values())) == 30 and labels[29] == "Praksis AD"
    with pytest.raises(ValueError):
        pseudonyms([1, 1])


# --------------------------------------------------------------------------------------------------
# The statistics core must not depend on Django
# --------------------------------------------------------------------------------------------------


def test_stats_package_does_not_import_django():
    code = "import sys, klynge.quality.stats; assert not any(m.startswith('django') for m in sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
