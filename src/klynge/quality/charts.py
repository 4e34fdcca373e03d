"""Vega-Lite specs (built with Altair) for the quality pages. The data in a spec is exactly what the table
beside the chart shows: pseudonymised, with suppressed practices left out, other practices' values rounded
as in the table and their sizes to two significant figures."""

from __future__ import annotations

import altair as alt

from .privacy import shown_value, size_band
from .selectors import IndicatorFigures

OWN = "#b3541e"
OTHER = "#2b6cb0"
GREY = "#595959"


def _axis_title(figures: IndicatorFigures) -> str:
    return figures.indicator.unit_short


def _finish(chart: alt.TopLevelMixin, title: str) -> dict:
    spec = chart.properties(title=title, width="container", height=260).to_dict(validate=False)
    spec.pop("config", None)
    return spec


def run_chart_spec(figures: IndicatorFigures) -> dict | None:
    if not figures.series:
        return None
    centre = figures.run.centre if figures.run else None
    data = [
        {"periode": p["period"], "dato": p["date"], "værdi": round(p["value"], 3)} for p in figures.series
    ]
    base = alt.Chart(alt.Data(values=data))
    line = base.mark_line(point=True, color=OWN).encode(
        x=alt.X("dato:T", title="Periode"),
        y=alt.Y("værdi:Q", title=_axis_title(figures)),
        tooltip=[alt.Tooltip("periode:N"), alt.Tooltip("værdi:Q", format=".2f")],
    )
    layers = [line]
    if centre is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"median": round(centre, 3)}]))
            .mark_rule(color=GREY, strokeDash=[6, 4])
            .encode(y="median:Q", tooltip=[alt.Tooltip("median:Q", title="Median", format=".2f")])
        )
    elif figures.run is not None and figures.run.seasonal:
        # Each period's own centre: the median of the same month (quarter) in all years.
        seasonal = [
            {"dato": p["date"], "median": round(c, 3)}
            for p, c in zip(figures.series, figures.run.centres, strict=True)
            if c is not None
        ]
        layers.append(
            alt.Chart(alt.Data(values=seasonal))
            .mark_line(color=GREY, strokeDash=[6, 4])
            .encode(
                x="dato:T",
                y="median:Q",
                tooltip=[alt.Tooltip("median:Q", title="Median for samme tid på året", format=".2f")],
            )
        )
    return _finish(alt.layer(*layers), f"{figures.indicator.name_da}: din praksis over tid (seriediagram)")


def bar_chart_spec(figures: IndicatorFigures) -> dict | None:
    shown = [f for f in figures.rows if not f.hidden and f.value is not None]
    if not shown:
        return None
    data = [
        {
            "praksis": f.label,
            "værdi": round(f.value, 3) if f.is_own else shown_value(figures.indicator, f.value),
            "egen": "Din praksis" if f.is_own else "Andre",
        }
        for f in shown
    ]
    order = [d["praksis"] for d in data]
    bars = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("praksis:N", sort=order, title=None),
            x=alt.X("værdi:Q", title=_axis_title(figures)),
            color=alt.Color(
                "egen:N",
                scale=alt.Scale(domain=["Din praksis", "Andre"], range=[OWN, OTHER]),
                legend=alt.Legend(title=None),
            ),
            tooltip=[alt.Tooltip("praksis:N"), alt.Tooltip("værdi:Q", format=".2f")],
        )
    )
    layers = [bars]
    if figures.cluster and not figures.cluster.hidden and figures.cluster.value is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"klyngen": shown_value(figures.indicator, figures.cluster.value)}]))
            .mark_rule(color=GREY, strokeDash=[6, 4])
            .encode(x="klyngen:Q")
        )
    if figures.indicator.target is not None:
        layers.append(
            alt.Chart(alt.Data(values=[{"mål": figures.indicator.target}]))
            .mark_rule(color="#1b7837")
            .encode(x="mål:Q")
        )
    chart = alt.layer(*layers)
    spec = chart.properties(
        title=f"{figures.indicator.name_da}: praksis i klyngen",
        width="container",
        height=max(120, 22 * len(data)),
    ).to_dict(validate=False)
    spec.pop("config", None)
    return spec


def funnel_spec(figures: IndicatorFigures) -> dict | None:
    if not figures.funnel_curve:
        return None
    scale = 100.0 if figures.indicator.is_proportion else 1000.0
    # Other practices: the value as the table shows it and the size to two significant figures, so the
    # point matches no exact denominator or list size anywhere.
    points = [
        {
            "praksis": f.label,
            "nævner": round(f.funnel.denominator, 2) if f.is_own else size_band(f.funnel.denominator),
            "værdi": round(f.funnel.value * scale, 3)
            if f.is_own
            else shown_value(figures.indicator, f.funnel.value * scale),
            "egen": "Din praksis" if f.is_own else "Andre",
        }
        for f in figures.rows
        if f.funnel is not None and not f.hidden
    ]
    x_title = (
        "Nævner (antal)"
        if figures.indicator.is_proportion
        else "Patientår"
        if figures.indicator.unit == "per_1000_year"
        else "Patientdage"
    )
    curve = alt.Chart(alt.Data(values=figures.funnel_curve))
    layers = []
    for name, dash in (("lower95", [4, 3]), ("upper95", [4, 3]), ("lower998", []), ("upper998", [])):
        layers.append(
            curve.mark_line(color=GREY, strokeDash=dash or [1, 0]).encode(
                x=alt.X("n:Q", title=x_title, scale=alt.Scale(type="log")),
                y=alt.Y(f"{name}:Q", title=_axis_title(figures)),
            )
        )
    layers.append(
        alt.Chart(alt.Data(values=[{"klyngen": round(figures.funnel_target, 3)}]))
        .mark_rule(color=GREY)
        .encode(y="klyngen:Q")
    )
    layers.append(
        alt.Chart(alt.Data(values=points))
        .mark_point(filled=True, size=70)
        .encode(
            x="nævner:Q",
            y="værdi:Q",
            color=alt.Color(
                "egen:N",
                scale=alt.Scale(domain=["Din praksis", "Andre"], range=[OWN, OTHER]),
                legend=alt.Legend(title=None),
            ),
            shape=alt.Shape(
                "egen:N",
                scale=alt.Scale(domain=["Din praksis", "Andre"], range=["diamond", "circle"]),
                legend=None,
            ),
            # The own practice is the point the reader looks for: four times the area of the others.
            size=alt.Size(
                "egen:N", scale=alt.Scale(domain=["Din praksis", "Andre"], range=[280, 70]), legend=None
            ),
            tooltip=[alt.Tooltip("praksis:N"), alt.Tooltip("værdi:Q", format=".2f"), alt.Tooltip("nævner:Q")],
        )
    )
    return _finish(alt.layer(*layers), f"{figures.indicator.name_da}: tragtdiagram")


# What each chart is called where a person reads it (the keys are in URLs and element ids).
CHART_LABELS = {"seriediagram": "Seriediagram", "tragt": "Tragtdiagram", "soejler": "Søjlediagram"}


def specs(figures: IndicatorFigures) -> dict[str, dict]:
    out = {}
    for name, builder in (
        ("seriediagram", run_chart_spec),
        ("tragt", funnel_spec),
        ("soejler", bar_chart_spec),
    ):
        spec = builder(figures)
        if spec is not None:
            out[name] = spec
    return out


def to_svg(spec: dict) -> str:
    import vl_convert

    spec = dict(spec)
    if spec.get("width") == "container":
        spec["width"] = 640
    return vl_convert.vegalite_to_svg(spec, format_locale="da-DK", time_format_locale="da-DK")
