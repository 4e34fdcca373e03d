"""Reads of the quality app, scoped to a cluster and to the person looking.

Every figure of one practice shown to someone outside that practice passes through `hidden()` (which
calls klynge.quality.stats.is_suppressed), open data or not, and is labelled with its stored pseudonym
unless the cluster has decided on open data. A cluster figure is pooled over the practices whose
figures are shown, so it never contains a hidden one (klynge.quality.privacy has the rules). Views,
exports, charts and the API all take their rows from here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, FloatField, Q, Sum, Value, When
from django.http import Http404

from klynge.core import selectors as core_selectors
from klynge.core.dates import add_months
from klynge.core.models import Cluster, MembershipStatus
from klynge.meetings.models import MeetingGuest

from . import cache as data_cache
from . import privacy, stats
from .models import (
    Granularity,
    ImportLog,
    Indicator,
    Measurement,
    Unit,
    kind_for_unit,
    period_end,
    period_label,
)

WINDOW = {Granularity.MONTH: 12, Granularity.QUARTER: 4, Granularity.YEAR: 1}
YEARS = {Granularity.MONTH: 1 / 12, Granularity.QUARTER: 1 / 4, Granularity.YEAR: 1.0}


# Viewer -------------------------------------------------------------------------------------------


@dataclass
class Viewer:
    """Who is looking: their own practice in the cluster (if any), open data, staff with national figures only."""

    practice_id: int | None
    open_data: bool
    national_only: bool
    can_manage: bool = False


def viewer_for(user, cluster: Cluster) -> Viewer:
    reader = core_selectors.is_reader(user, cluster)
    practice_id = None
    if (
        reader
        and getattr(user, "practice_id", None)
        and cluster.memberships.filter(practice_id=user.practice_id).exists()
    ):
        practice_id = user.practice_id
    return Viewer(
        practice_id=practice_id,
        # Open data names practices to the cluster's own people, never to guests.
        open_data=cluster.open_data and reader,
        national_only=not reader and bool(getattr(user, "is_staff", False)),
        can_manage=user.has_perm("quality.manage_data", cluster),
    )


def shared_with_guest(*, cluster: Cluster, person, indicator_id: int) -> bool:
    """A meeting shares a data view with its guests by linking it from the meeting's agenda."""
    if not getattr(person, "is_authenticated", False):
        return False
    path = f"/k/{cluster.slug}/data/indikator/{indicator_id}/"
    return MeetingGuest.objects.filter(
        person=person, meeting__cluster=cluster, meeting__agenda_items__link_url__endswith=path
    ).exists()


# Indicators ---------------------------------------------------------------------------------------


def indicators_for(*, cluster: Cluster) -> list[Indicator]:
    return list(Indicator.objects.filter(Q(cluster__isnull=True) | Q(cluster=cluster), active=True))


def indicator_get(*, cluster: Cluster, indicator_id) -> Indicator:
    try:
        return Indicator.objects.get(
            Q(cluster__isnull=True) | Q(cluster=cluster), pk=indicator_id, active=True
        )
    except (Indicator.DoesNotExist, ValueError, TypeError):
        raise Http404("Indikatoren findes ikke")


@dataclass(frozen=True)
class ClusterIndicator:
    """An indicator as one cluster sees it (a national indicator is seen by every cluster): the object
    of the `quality.view_indicator` permission."""

    cluster: Cluster
    indicator: Indicator


def cluster_indicator_get(*, cluster: Cluster, indicator_id) -> ClusterIndicator:
    return ClusterIndicator(
        cluster=cluster, indicator=indicator_get(cluster=cluster, indicator_id=indicator_id)
    )


def import_logs(*, cluster: Cluster, limit: int = 20) -> list[ImportLog]:
    return list(ImportLog.objects.filter(cluster=cluster).select_related("by")[:limit])


# Values -------------------------------------------------------------------------------------------


def exposure(
    indicator: Indicator, denominator: float | None, start: dt.date, granularity: str
) -> float | None:
    """What the numerator is divided by: the denominator itself for shares, patient-years or patient-days
    for rates."""
    if denominator is None:
        return None
    if indicator.unit == Unit.PER_1000_YEAR:
        return denominator * YEARS[granularity]
    if indicator.unit == Unit.DDD_PER_1000_DAY:
        return denominator * (period_end(start, granularity) - start).days
    return denominator


def value_of(indicator: Indicator, numerator: float | None, expo: float | None) -> float | None:
    """The figure in the indicator's unit (percent, per 1,000 ..., or the count)."""
    if numerator is None:
        return None
    if indicator.unit == Unit.COUNT:
        return numerator
    if not expo:
        return None
    factor = 100.0 if indicator.unit == Unit.PERCENT else 1000.0
    return factor * numerator / expo


def hidden(indicator: Indicator, numerator: float | None, denominator: float | None) -> bool:
    """The one suppression rule (klynge.quality.stats.is_suppressed): a count of 1-4, or a denominator
    (listed patients, or the share's denominator) of 10 or less. DDD are rounded to whole numbers."""
    if numerator is None:
        return False
    n = int(round(numerator))
    d = None if denominator is None else int(round(denominator))
    if indicator.unit == Unit.PERCENT and d is not None:
        return stats.is_suppressed(min(n, d), d)
    return stats.is_suppressed(n) or (d is not None and stats.is_suppressed(None, d))


def format_value(indicator: Indicator, value: float | None) -> str:
    if value is None:
        return "–"
    if indicator.unit == Unit.COUNT:
        return f"{value:,.0f}".replace(",", ".")
    decimals = 1 if indicator.unit != Unit.DDD_PER_1000_DAY else 2
    text = f"{value:,.{decimals}f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return f"{text} %" if indicator.unit == Unit.PERCENT else text


# Windows ------------------------------------------------------------------------------------------


@dataclass
class Window:
    granularity: str
    start: dt.date
    end: dt.date  # last period's start

    @property
    def label(self) -> str:
        if self.start == self.end:
            return period_label(self.start, self.granularity)
        return f"{period_label(self.start, self.granularity)} til {period_label(self.end, self.granularity)}"


def latest_window(*, practice_ids: list[int], indicator_ids: list[int] | None = None) -> Window | None:
    """The last 12 months (or 4 quarters, or 1 year) with data for the cluster's practices."""
    if indicator_ids is not None:
        qs = Measurement.objects.filter(indicator_id__in=indicator_ids, scope__in=_scopes(practice_ids))
    else:
        qs = Measurement.objects.filter(practice_id__in=practice_ids)
    for granularity in (Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR):
        last = (
            qs.filter(granularity=granularity)
            .order_by("-period_start")
            .values_list("period_start", flat=True)
            .first()
        )
        if last is None:
            continue
        start = last
        for _ in range(WINDOW[granularity] - 1):
            start = (start - dt.timedelta(days=1)).replace(day=1)
            if granularity == Granularity.QUARTER:
                start = dt.date(start.year, ((start.month - 1) // 3) * 3 + 1, 1)
            elif granularity == Granularity.YEAR:
                start = dt.date(start.year, 1, 1)
        return Window(granularity=granularity, start=start, end=last)
    return None


@dataclass
class Figure:
    """One practice's (or the cluster's, or the country's) figure for one indicator in a window."""

    label: str
    numerator: float | None
    denominator: float | None  # shares: the denominator; rates: mean listed patients per period
    exposure: float | None
    value: float | None
    is_own: bool = False
    hidden: bool = False  # hidden from the viewer
    key: int | None = None  # practice id; never leaves the server
    funnel: object | None = None
    text: str = ""
    suppressed: bool = False  # small numbers: hidden from everyone outside the practice
    exact: bool = False  # the viewer may see the counts (own practice, the country)
    left_out: int = 0  # cluster figure: practices with small numbers, not in it

    def public(self, indicator: Indicator | None = None) -> dict:
        """Beside another practice's label (and for the cluster) only the value as the page shows it."""
        shown = not self.hidden
        value = self.value if shown else None
        if not self.exact and indicator is not None:
            value = privacy.shown_value(indicator, value)
        return {
            "label": self.label,
            "is_own": self.is_own,
            "suppressed": self.hidden,
            "numerator": self.numerator if shown and self.exact else None,
            "denominator": self.denominator if shown and self.exact else None,
            "value": value,
        }


def _sum_rows(indicator: Indicator, rows) -> tuple[float, float | None, float | None]:
    num = 0.0
    den_total = 0.0
    expo = 0.0
    n = 0
    has_den = False
    for start, granularity, numerator, denominator in rows:
        num += numerator
        n += 1
        if denominator is not None:
            has_den = True
            den_total += denominator
            expo += exposure(indicator, denominator, start, granularity) or 0.0
    if not has_den:
        return num, None, None
    den = den_total if indicator.unit == Unit.PERCENT else den_total / max(n, 1)
    return num, den, expo


def _window_periods(window: Window) -> list[dt.date]:
    out, start = [], window.start
    while start <= window.end:
        out.append(start)
        start = period_end(start, window.granularity)
    return out


def _window_sums(qs, window: Window, *group) -> list[tuple]:
    """(*group, numerator sum, denominator sum, rows, rows with a denominator, Σ denominator × days) of
    the measurements in the window, summed by the database: one row per group, however many years of
    data there are. The days (for DDD per 1,000 patients per day) are written into the query per period."""
    days = Case(
        *(
            When(period_start=start, then=Value(float((period_end(start, window.granularity) - start).days)))
            for start in _window_periods(window)
        ),
        default=Value(0.0),
        output_field=FloatField(),
    )
    return list(
        qs.filter(
            granularity=window.granularity, period_start__gte=window.start, period_start__lte=window.end
        )
        .values(*group)
        .order_by()
        .annotate(
            num=Sum("numerator"),
            den=Sum("denominator"),
            rows=Count("pk"),
            rows_den=Count("denominator"),
            den_days=Sum(F("denominator") * days),
        )
        .values_list(*group, "num", "den", "rows", "rows_den", "den_days")
    )


def _summed(indicator: Indicator, granularity: str, num, den, rows, rows_den, den_days):
    """What _sum_rows gives for the same rows, from their sums."""
    num = float(num or 0.0)
    if not rows_den:
        return num, None, None
    den_total = float(den or 0.0)
    if indicator.unit == Unit.PER_1000_YEAR:
        expo = den_total * YEARS[granularity]
    elif indicator.unit == Unit.DDD_PER_1000_DAY:
        expo = float(den_days or 0.0)
    else:
        expo = den_total
    den_out = den_total if indicator.unit == Unit.PERCENT else den_total / max(rows, 1)
    return num, den_out, expo


def _labels(cluster: Cluster, viewer: Viewer, practice_ids) -> dict[int, str]:
    """Label by practice id: the name for the viewer's own practice and under open data, otherwise the
    practice's stored pseudonym."""
    ids = set(practice_ids)
    if viewer.open_data:
        return dict(
            cluster.memberships.filter(practice_id__in=ids).values_list("practice_id", "practice__name")
        )
    out = privacy.pseudonym_labels(cluster=cluster, practice_ids=ids - {viewer.practice_id})
    if viewer.practice_id in ids:
        out[viewer.practice_id] = (
            cluster.memberships.filter(practice_id=viewer.practice_id)
            .values_list("practice__name", flat=True)
            .get()
        )
    return out


def _row_order(figure: Figure) -> tuple:
    """Shown rows by value, largest first; hidden rows after them by label, never by value."""
    if figure.hidden or figure.value is None:
        return (1, figure.hidden, 0.0, privacy.label_sort_key(figure.label))
    return (0, False, -figure.value, privacy.label_sort_key(figure.label))


def _pooled(indicator: Indicator, figures: list[Figure]) -> Figure:
    """The cluster's figure from the practices whose figures are shown to everyone: it contains no hidden
    figure, so no subtraction reaches one. Hidden ("–") when fewer than two practices are in it."""
    used = [f for f in figures if not f.suppressed and f.numerator is not None]
    num = sum(f.numerator for f in used)
    dens = [f.denominator for f in used if f.denominator is not None]
    den = sum(dens) if dens else None
    expos = [f.exposure for f in used if f.exposure is not None]
    expo = sum(expos) if expos else None
    value = value_of(indicator, num, expo) if used else None
    cluster = Figure("Klyngen", num, den, expo, value, left_out=sum(f.suppressed for f in figures))
    cluster.hidden = len(used) < 2 or hidden(indicator, num, den)
    return cluster


def _scopes(practice_ids) -> list[str]:
    """The measurement scopes of practices: page queries go through the unique key (indicator, scope, ...)."""
    return [f"p{pid}" for pid in practice_ids]


def _member_ids(cluster: Cluster) -> list[int]:
    return [
        m.practice_id
        for m in core_selectors.cluster_memberships(cluster=cluster, include_left=False)
        if m.status in (MembershipStatus.ACTIVE, MembershipStatus.SUSPENDED)
    ]


@dataclass
class IndicatorFigures:
    indicator: Indicator
    window: Window | None
    rows: list[Figure] = field(default_factory=list)  # practices, ranked by value (hidden last)
    own: Figure | None = None
    cluster: Figure | None = None
    national: Figure | None = None
    funnel_target: float | None = None
    funnel_curve: list[dict] = field(default_factory=list)
    funnel_method: str = ""
    funnel: object | None = None  # stats.FunnelAnalysis
    funnel_scale: float = 1.0  # from the analysis' per-patient figures to the indicator's unit
    funnel_texts: list[str] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)  # own practice over time
    cluster_series: list[dict] = field(default_factory=list)
    run: object | None = None
    run_text: str = ""

    @property
    def funnel_phi(self) -> float | None:
        return getattr(self.funnel, "phi", None)

    def fmt(self, value):
        return format_value(self.indicator, value)


def _national(indicator: Indicator, window: Window) -> Figure | None:
    rows = _window_sums(Measurement.objects.filter(indicator=indicator, scope="n"), window, "indicator_id")
    if not rows:
        return None
    num, den, expo = _summed(indicator, window.granularity, *rows[0][1:])
    value = value_of(indicator, num, expo)
    return Figure("Hele landet", num, den, expo, value, text=format_value(indicator, value))


def indicator_figures(
    *, cluster: Cluster, indicator: Indicator, viewer: Viewer, with_series: bool = True
) -> IndicatorFigures:
    """Everything the cluster's view of one indicator shows, already suppressed and pseudonymised; cached
    under the data's version for this viewer (klynge.quality.cache)."""
    return data_cache.cached(
        "indicator_figures",
        cluster_id=cluster.pk,
        viewer=viewer,
        parts=(indicator.pk, indicator.updated_at.isoformat() if indicator.updated_at else "", with_series),
        compute=lambda: _indicator_figures(
            cluster=cluster, indicator=indicator, viewer=viewer, with_series=with_series
        ),
    )


def _indicator_figures(
    *, cluster: Cluster, indicator: Indicator, viewer: Viewer, with_series: bool = True
) -> IndicatorFigures:
    member_ids = _member_ids(cluster)
    window = latest_window(practice_ids=member_ids, indicator_ids=[indicator.pk])
    if window is None and indicator.is_national:
        last = (
            Measurement.objects.filter(indicator=indicator, scope="n")
            .order_by("-period_start")
            .values_list("period_start", "granularity")
            .first()
        )
        if last:
            window = Window(granularity=last[1], start=last[0], end=last[0])
    result = IndicatorFigures(indicator=indicator, window=window)
    if window is None:
        return result
    result.national = _national(indicator, window)
    if result.national is not None:
        result.national.exact = True  # imported as published; never computed from the cluster's practices
    if viewer.national_only:
        return result
    # One row per practice, summed by the database over the window.
    per_practice = {
        pid: _summed(indicator, window.granularity, *sums)
        for pid, *sums in _window_sums(
            Measurement.objects.filter(indicator=indicator, scope__in=_scopes(member_ids)),
            window,
            "practice_id",
        )
    }
    labels = _labels(cluster, viewer, per_practice)
    figures = []
    for pid, (num, den, expo) in per_practice.items():
        is_own = pid == viewer.practice_id
        fig = Figure(labels[pid], num, den, expo, value_of(indicator, num, expo), is_own=is_own, key=pid)
        # Small numbers are hidden under open data too: open data opens names, not patients' numbers.
        fig.suppressed = hidden(indicator, num, den)
        fig.hidden = fig.suppressed and not is_own
        fig.exact = is_own
        figures.append(fig)
    if figures:
        result.cluster = _pooled(indicator, figures)
    for fig in [*figures, *(f for f in (result.cluster, result.national) if f is not None)]:
        fig.text = "–" if fig.hidden else format_value(indicator, fig.value)
    figures.sort(key=_row_order)
    result.rows = figures
    result.own = next((f for f in figures if f.is_own), None)
    _funnel(result)
    if with_series and viewer.practice_id:
        result.series = practice_series(
            indicator=indicator, practice_id=viewer.practice_id, since=series_start(window.end)
        )
        if result.series:
            result.run, result.run_text = runs_analysis(
                indicator,
                [(dt.date.fromisoformat(p["date"]), p["value"]) for p in result.series],
                result.series[0]["granularity"],
            )
    return result


# Seasonal indicators are compared with the same month (or quarter) of the other years.
SEASON = {Granularity.MONTH: (12, "måned"), Granularity.QUARTER: (4, "kvartal")}


def runs_analysis(indicator: Indicator, points: list[tuple[dt.date, float]], granularity: str):
    """(run chart, Danish verdict) of a series of (period start, value), oldest first.

    A seasonal indicator with at least two years of data is compared like with like: each period with
    the median of the same month (quarter) in all years (stats.seasonal_run_chart). With less, the
    median of all periods is used and the text says that the season is not taken into account.
    """
    values = [v for _, v in points]
    if indicator.seasonal and granularity in SEASON:
        cycle, noun = SEASON[granularity]
        if len(points) >= 2 * cycle:
            seasons = [(start.month - 1) * cycle // 12 for start, _ in points]
            run = stats.seasonal_run_chart(values, seasons)
            return run, stats.run_chart_explanation_da(run, season_noun=noun)
        run = stats.run_chart(values)
        return run, (
            f"Indikatoren varierer med årstiden, men der er under to års data, så hver {noun} er "
            "sammenlignet med medianen af alle punkter; en vinter kan ligge over den uden at være usædvanlig. "
            + stats.run_chart_explanation_da(run)
        )
    run = stats.run_chart(values)
    return run, stats.run_chart_explanation_da(run)


FUNNEL_SCALE = {Unit.PERCENT: (100.0, "procentpoint"), Unit.PER_1000_YEAR: (1000.0, "pr. 1.000 pt. pr. år")}


def _funnel(result: IndicatorFigures) -> None:
    """The funnel plot with the method the indicator's kind calls for (klynge.quality.stats.funnel_analysis):
    binomial for shares, Poisson for counts of events, a spread estimated from the practices for DDD."""
    indicator = result.indicator
    kind = indicator.kind or kind_for_unit(indicator.unit)
    shown = [f for f in result.rows if not f.hidden and f.exposure and f.numerator is not None]
    if not kind or len(shown) < 2 or result.cluster is None or result.cluster.hidden:
        return
    # The target is the cluster's figure as shown: pooled over the practices whose figures are shown.
    all_rows = [f for f in result.rows if not f.suppressed and f.exposure and f.numerator is not None]
    target = sum(f.numerator for f in all_rows) / sum(f.exposure for f in all_rows)
    if kind == "proportion":
        target = min(max(target, 0.0), 1.0)
    # Shares and event rates are counts (whole numbers); a share's denominator is a count as well.
    events = [f.numerator if kind == "continuous" else round(f.numerator) for f in shown]
    expos = [round(f.exposure) if kind == "proportion" else f.exposure for f in shown]
    analysis = stats.funnel_analysis(events, expos, kind=kind, target=target)
    scale = 100.0 if indicator.unit == Unit.PERCENT else 1000.0
    for fig, point in zip(shown, analysis.points, strict=True):
        fig.funnel = point
    result.funnel = analysis
    result.funnel_target = target * scale
    result.funnel_scale = scale
    result.funnel_method = stats.funnel_method_da(analysis)
    tau_scale, tau_unit = FUNNEL_SCALE.get(indicator.unit, (scale, indicator.unit_short))
    result.funnel_texts = stats.funnel_explanation_da(analysis, scale=tau_scale, unit=tau_unit)
    if analysis.too_few:
        return
    # The axis follows the rounded sizes, so the curve does not give away the smallest or largest exactly.
    lo, hi = min(map(privacy.size_band, expos)), max(map(privacy.size_band, expos))
    lo, hi = max(1.0, lo * 0.6), hi * 1.2
    curve = []
    steps = 40
    for i in range(steps + 1):
        n = lo * (hi / lo) ** (i / steps)
        n = max(1, round(n)) if kind == "proportion" else n
        limits = analysis.limits_at(n)
        curve.append(
            {
                "n": n,
                "lower95": limits.lower95 * scale,
                "upper95": limits.upper95 * scale,
                "lower998": limits.lower998 * scale,
                "upper998": limits.upper998 * scale,
            }
        )
    result.funnel_curve = curve


def practice_series(*, indicator: Indicator, practice_id: int, since: dt.date | None = None) -> list[dict]:
    """The practice's own values over time (finest granularity it has), oldest first; from `since` on."""
    qs = Measurement.objects.filter(indicator=indicator, scope=f"p{practice_id}")
    if since is not None:
        qs = qs.filter(period_start__gte=since)
    rows = list(
        qs.order_by("granularity", "period_start").values_list(
            "period_start", "granularity", "numerator", "denominator"
        )
    )
    if not rows:
        return []
    for granularity in (Granularity.MONTH, Granularity.QUARTER, Granularity.YEAR):
        chosen = [r for r in rows if r[1] == granularity]
        if chosen:
            break
    out = []
    for start, granularity, num, den in chosen:
        expo = exposure(indicator, den, start, granularity)
        out.append(
            {
                "period": period_label(start, granularity),
                "date": start.isoformat(),
                "granularity": granularity,
                "value": value_of(indicator, num, expo),
                "numerator": num,
                "denominator": den,
            }
        )
    return [p for p in out if p["value"] is not None]


# Own data overview --------------------------------------------------------------------------------


@dataclass
class OverviewRow:
    indicator: Indicator
    own: str
    cluster: str
    national: str
    target: str
    own_value: float | None
    verdict: str
    run_text: str = ""
    # The run chart shows a real change (RunChart.signal); views count these, never the text.
    run_signal: bool = False


def _cluster_figure(indicator: Indicator, per_practice: dict[int, list]) -> Figure | None:
    """The cluster's figure from each practice's rows in a window: pooled over the practices whose own
    figure in that window is not small (see _pooled)."""
    if not per_practice:
        return None
    figures = []
    for rows in per_practice.values():
        num, den, expo = _sum_rows(indicator, rows)
        fig = Figure("", num, den, expo, value_of(indicator, num, expo))
        fig.suppressed = hidden(indicator, num, den)
        figures.append(fig)
    return _pooled(indicator, figures)


# The run chart looks at the last five years: room for a seasonal comparison (two or more of each month),
# for Anhøj's rules and for a change to show against what came before, and the same work however many
# years of data there are.
SERIES_MONTHS = 60


def series_start(last: dt.date) -> dt.date:
    """The first period start a run chart ending with the period starting `last` includes."""
    return add_months(last.replace(day=1), -(SERIES_MONTHS - 1))


def own_overview(*, cluster: Cluster, viewer: Viewer) -> tuple[Window | None, list[OverviewRow]]:
    """Per indicator: own value, cluster, country, target for the latest window; cached under the data's
    version for this viewer (klynge.quality.cache)."""
    return data_cache.cached(
        "own_overview",
        cluster_id=cluster.pk,
        viewer=viewer,
        parts=(),
        compute=lambda: _own_overview(cluster=cluster, viewer=viewer),
    )


def _own_overview(*, cluster: Cluster, viewer: Viewer) -> tuple[Window | None, list[OverviewRow]]:
    """A fixed number of queries, each returning a row per indicator (and practice), summed in SQL."""
    indicators = indicators_for(cluster=cluster)
    member_ids = _member_ids(cluster)
    window = latest_window(practice_ids=member_ids)
    if window is None:
        last = (
            Measurement.objects.filter(indicator__in=indicators, scope="n")
            .order_by("-period_start")
            .values_list("period_start", "granularity")
            .first()
        )
        if last is None:
            return None, []
        window = Window(granularity=last[1], start=last[0], end=last[0])
    by_id = {i.pk: i for i in indicators}
    base = Measurement.objects.filter(indicator_id__in=list(by_id))
    own_sums: dict[int, tuple] = {}
    # Per indicator: each member practice's figure (for the pooled cluster figure).
    cluster_figs: dict[int, list[Figure]] = defaultdict(list)
    if not viewer.national_only:
        for ind_id, pid, *sums in _window_sums(
            base.filter(scope__in=_scopes(member_ids)), window, "indicator_id", "practice_id"
        ):
            ind = by_id[ind_id]
            num, den, expo = _summed(ind, window.granularity, *sums)
            fig = Figure("", num, den, expo, value_of(ind, num, expo))
            fig.suppressed = hidden(ind, num, den)
            cluster_figs[ind_id].append(fig)
            if pid == viewer.practice_id:
                own_sums[ind_id] = (num, den, expo)
    national_sums = {
        ind_id: _summed(by_id[ind_id], window.granularity, *sums)
        for ind_id, *sums in _window_sums(base.filter(scope="n"), window, "indicator_id")
    }
    # Own trend for the run-chart verdict: one query for all indicators, the last five years only.
    series: dict[int, list] = defaultdict(list)
    if viewer.practice_id:
        for ind_id, start, num, den in (
            base.filter(
                scope=f"p{viewer.practice_id}",
                granularity=window.granularity,
                period_start__gte=series_start(window.end),
                period_start__lte=window.end,
            )
            .order_by("period_start")
            .values_list("indicator_id", "period_start", "numerator", "denominator")
        ):
            series[ind_id].append((start, num, den))
    out = []
    for ind in indicators:
        own = own_sums.get(ind.pk)
        national = national_sums.get(ind.pk)
        figs = cluster_figs.get(ind.pk)
        if own is None and not figs and national is None:
            continue
        own_value = None if own is None else value_of(ind, own[0], own[2])
        national_value = None if national is None else value_of(ind, national[0], national[2])
        pooled = _pooled(ind, figs) if figs else None
        target = ""
        if ind.target is not None:
            prefix = "højst " if ind.direction == "low" else "mindst " if ind.direction == "high" else ""
            target = prefix + format_value(ind, ind.target)
        verdict = ""
        if own_value is not None and ind.target is not None:
            met = own_value <= ind.target if ind.direction == "low" else own_value >= ind.target
            verdict = "Målet er nået" if met else "Målet er ikke nået"
        run_text, run_signal = "", False
        points = [
            (s, value_of(ind, n, exposure(ind, d, s, window.granularity)))
            for s, n, d in series.get(ind.pk, [])
        ]
        points = [(s, v) for s, v in points if v is not None]
        if points:
            run, run_text = runs_analysis(ind, points, window.granularity)
            run_signal = bool(run.signal)
        out.append(
            OverviewRow(
                indicator=ind,
                own=format_value(ind, own_value) if own is not None else "–",
                cluster="–" if pooled is None or pooled.hidden else format_value(ind, pooled.value),
                national=format_value(ind, national_value) if national is not None else "–",
                target=target,
                own_value=own_value,
                verdict=verdict,
                run_text=run_text,
                run_signal=run_signal,
            )
        )
    return window, out


# Before and after a project's meeting ------------------------------------------------------------


@dataclass
class BeforeAfterRow:
    indicator: Indicator
    cluster_before: str
    cluster_after: str
    own_before: str
    own_after: str
    months_after: int


def before_after(*, cluster: Cluster, viewer: Viewer, codes: list[str], day: dt.date) -> list[BeforeAfterRow]:
    """For each indicator code: the cluster's (and the viewer's practice's) value in the 12 months before
    the month of `day` and in the 12 months after it. Monthly data; two queries."""
    wanted = {c.strip().lower() for c in codes if c and c.strip()}
    indicators = [i for i in indicators_for(cluster=cluster) if i.code.lower() in wanted]
    if not indicators or viewer.national_only:
        return []
    member_ids = _member_ids(cluster)
    month = dt.date(day.year, day.month, 1)
    start, end = add_months(month, -12), add_months(month, 12)
    rows: dict[tuple[int, str], list] = defaultdict(list)
    practices: dict[tuple[int, str], dict[int, list]] = defaultdict(lambda: defaultdict(list))
    after_months: dict[int, set] = defaultdict(set)
    for ind_id, pid, period, num, den in (
        Measurement.objects.filter(
            indicator__in=indicators,
            scope__in=_scopes(member_ids),
            granularity=Granularity.MONTH,
            period_start__gte=start,
            period_start__lte=end,
        )
        .exclude(period_start=month)
        .values_list("indicator_id", "practice_id", "period_start", "numerator", "denominator")
    ):
        side = "after" if period > month else "before"
        if side == "after":
            after_months[ind_id].add(period)
        practices[(ind_id, side)][pid].append((period, Granularity.MONTH, num, den))
        if pid == viewer.practice_id:
            rows[(ind_id, side)].append((period, Granularity.MONTH, num, den))
    out = []
    for ind in indicators:
        texts = {}
        for side in ("before", "after"):
            own = rows.get((ind.pk, side))
            if own:
                num, _, expo = _sum_rows(ind, own)
                texts[(side, True)] = format_value(ind, value_of(ind, num, expo))
            else:
                texts[(side, True)] = "–"
            pooled = _cluster_figure(ind, practices.get((ind.pk, side), {}))
            texts[(side, False)] = "–" if pooled is None or pooled.hidden else format_value(ind, pooled.value)
        out.append(
            BeforeAfterRow(
                indicator=ind,
                cluster_before=texts[("before", False)],
                cluster_after=texts[("after", False)],
                own_before=texts[("before", True)],
                own_after=texts[("after", True)],
                months_after=len(after_months.get(ind.pk, ())),
            )
        )
    return out
