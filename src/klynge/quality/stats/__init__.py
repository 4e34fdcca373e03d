"""Statistics core of Klynge: plain functions, standard library only (no Django).

Run charts (Anhøj's rules as in qicharts2), p/u/I control charts, funnel plots (Spiegelhalter 2005),
small-number suppression (diskretionering) and practice pseudonyms.
"""

from .control import ControlChart, i_chart, p_chart, u_chart
from .distributions import binomial_cdf, chi2_sf, poisson_cdf
from .funnel import (
    FUNNEL_KINDS,
    MIN_UNITS_CONTINUOUS,
    OVERDISPERSION_P,
    Z_95,
    Z_998,
    FunnelAnalysis,
    FunnelLimits,
    FunnelPlot,
    FunnelPoint,
    funnel_analysis,
    funnel_explanation_da,
    funnel_limits_proportion,
    funnel_limits_rate,
    funnel_method_da,
    funnel_points,
    overdispersion_phi,
    pooled_target,
    z_scores,
)
from .pseudonyms import pseudonym_label, pseudonyms
from .runs import (
    MIN_RELIABLE_POINTS,
    RunChart,
    crossings_limit,
    longest_run_limit,
    run_chart,
    run_chart_explanation_da,
    seasonal_run_chart,
)
from .suppression import (
    MIN_COUNT,
    MIN_DENOMINATOR,
    complementary_suppression,
    is_suppressed,
    suppress_count,
    suppress_share,
)

__all__ = [
    "FUNNEL_KINDS",
    "MIN_COUNT",
    "MIN_DENOMINATOR",
    "MIN_RELIABLE_POINTS",
    "MIN_UNITS_CONTINUOUS",
    "OVERDISPERSION_P",
    "Z_95",
    "Z_998",
    "ControlChart",
    "FunnelAnalysis",
    "FunnelLimits",
    "FunnelPlot",
    "FunnelPoint",
    "RunChart",
    "binomial_cdf",
    "chi2_sf",
    "complementary_suppression",
    "crossings_limit",
    "funnel_analysis",
    "funnel_explanation_da",
    "funnel_limits_proportion",
    "funnel_limits_rate",
    "funnel_method_da",
    "funnel_points",
    "i_chart",
    "is_suppressed",
    "longest_run_limit",
    "overdispersion_phi",
    "p_chart",
    "poisson_cdf",
    "pooled_target",
    "pseudonym_label",
    "pseudonyms",
    "run_chart",
    "run_chart_explanation_da",
    "seasonal_run_chart",
    "suppress_count",
    "suppress_share",
    "u_chart",
    "z_scores",
]
