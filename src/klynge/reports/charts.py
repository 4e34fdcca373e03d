"""Vega-Lite specs (built with Altair) for the reports, drawn by vega-embed in the page and by
vl-convert to SVG/PNG for PDF and Word. A table with the same numbers always stands beside them."""

from __future__ import annotations

import altair as alt

from .danish import day_span


def attendance_chart(figures, *, font: str | None = None) -> dict | None:
    """Members present at each of the year's meetings (board meetings left out), as bars."""
    rows = [
        {"Møde": f"{day_span(m.date, m.end)} {m.kind}", "Deltagere": m.members, "Type": m.kind}
        for m in figures.meetings
        if m.meeting.kind != "bestyrelsesmoede"
    ]
    if not rows:
        return None
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(color="#0059b3")
        .encode(
            y=alt.Y("Møde:N", sort=None, title=None, axis=alt.Axis(labelLimit=220)),
            x=alt.X("Deltagere:Q", title="Deltagende medlemmer", axis=alt.Axis(tickMinStep=1)),
            tooltip=[alt.Tooltip("Møde:N"), alt.Tooltip("Deltagere:Q")],
        )
        .properties(height=alt.Step(32))
    )
    spec = chart.to_dict(validate=False)
    spec.pop("config", None)
    if font:
        spec["width"] = 380
        spec["title"] = f"Deltagere pr. møde i {figures.year}"
        spec["config"] = {"font": font}
    else:
        spec["width"] = "container"
    return spec


def to_svg(spec: dict) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(spec, format_locale="da-DK", time_format_locale="da-DK")


def to_png(spec: dict) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec, scale=2, format_locale="da-DK", time_format_locale="da-DK")
