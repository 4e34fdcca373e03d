"""Vega-Lite specs for the quality pages, built as plain data (klynge.core.vegalite). The data in a spec is
exactly what the table beside the chart shows: pseudonymised, with suppressed practices left out, other
practices' values rounded as in the table and their sizes to two significant figures."""

from __future__ import annotations

from klynge.core.vegalite import field, layer, layered

from .privacy import shown_value, size_band
from .selectors import IndicatorFigures

OWN = "#b3541e"
OTHER = "#2b6cb0"
GREY = "#595959"
WHO = ["Din praksis", "Andre"]


def _axis_title(figures: IndicatorFigures) -> str:
    return figures.indicator.unit_short


def run_chart_spec(figures: IndicatorFigures) -> dict | None:
    if not figures.series:
        return None
    centre = figures.run.centre if figures.run else None
    data = [
        {"periode": p["period"], "dato": p["date"], "værdi": round(p["value"], 3)} for p in figures.series
    ]
    layers = [
        layer(
            data,
            {"type": "line", "point": True, "color": OWN},
            x=field("dato:T", title="Periode"),
            y=field("værdi:Q", title=_axis_title(figures)),
            tooltip=[field("periode:N"), field("værdi:Q", format=".2f")],
        )
    ]
    if centre is not None:
        layers.append(
            layer(
                [{"median": round(centre, 3)}],
                {"type": "rule", "color": GREY, "strokeDash": [6, 4]},
                y=field("median:Q"),
                tooltip=[field("median:Q", title="Median", format=".2f")],
            )
        )
    elif figures.run is not None and figures.run.seasonal:
        # Each period's own centre: the median of the same month (quarter) in all years.
        seasonal = [
            {"dato": p["date"], "median": round(c, 3)}
            for p, c in zip(figures.series, figures.run.centres, strict=True)
            if c is not None
        ]
        layers.append(
            layer(
                seasonal,
                {"type": "line", "color": GREY, "strokeDash": [6, 4]},
                x=field("dato:T"),
                y=field("median:Q"),
                tooltip=[field("median:Q", title="Median for samme tid på året", format=".2f")],
            )
        )
    return layered(
        layers,
        title=f"{figures.indicator.name_da}: din praksis over tid (seriediagram)",
        width="container",
        height=260,
    )


def _who(**options) -> dict:
    return field("egen:N", **options)


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
    layers = [
        layer(
            data,
            {"type": "bar"},
            y=field("praksis:N", sort=[d["praksis"] for d in data], title=None),
            x=field("værdi:Q", title=_axis_title(figures)),
            color=_who(scale={"domain": WHO, "range": [OWN, OTHER]}, legend={"title": None}),
            tooltip=[field("praksis:N"), field("værdi:Q", format=".2f")],
        )
    ]
    if figures.cluster and not figures.cluster.hidden and figures.cluster.value is not None:
        layers.append(
            layer(
                [{"klyngen": shown_value(figures.indicator, figures.cluster.value)}],
                {"type": "rule", "color": GREY, "strokeDash": [6, 4]},
                x=field("klyngen:Q"),
            )
        )
    if figures.indicator.target is not None:
        layers.append(
            layer([{"mål": figures.indicator.target}], {"type": "rule", "color": "#1b7837"}, x=field("mål:Q"))
        )
    return layered(
        layers,
        title=f"{figures.indicator.name_da}: praksis i klyngen",
        width="container",
        height=max(120, 22 * len(data)),
    )


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
    layers = [
        layer(
            figures.funnel_curve,
            {"type": "line", "color": GREY, "strokeDash": dash},
            x=field("n:Q", title=x_title, scale={"type": "log"}),
            y=field(f"{name}:Q", title=_axis_title(figures)),
        )
        for name, dash in (
            ("lower95", [4, 3]),
            ("upper95", [4, 3]),
            ("lower998", [1, 0]),
            ("upper998", [1, 0]),
        )
    ]
    layers.append(
        layer(
            [{"klyngen": round(figures.funnel_target, 3)}],
            {"type": "rule", "color": GREY},
            y=field("klyngen:Q"),
        )
    )
    layers.append(
        layer(
            points,
            {"type": "point", "filled": True, "size": 70},
            x=field("nævner:Q"),
            y=field("værdi:Q"),
            color=_who(scale={"domain": WHO, "range": [OWN, OTHER]}, legend={"title": None}),
            shape=_who(scale={"domain": WHO, "range": ["diamond", "circle"]}, legend=None),
            # The own practice is the point the reader looks for: four times the area of the others.
            size=_who(scale={"domain": WHO, "range": [280, 70]}, legend=None),
            tooltip=[field("praksis:N"), field("værdi:Q", format=".2f"), field("nævner:Q")],
        )
    )
    return layered(layers, title=f"{figures.indicator.name_da}: tragtdiagram", width="container", height=260)


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
