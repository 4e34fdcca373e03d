"""Vega-Lite specs (plain data, klynge.core.vegalite) for the reports, drawn by vega-embed in the page and by
vl-convert to SVG/PNG for PDF and Word. A table with the same numbers always stands beside them."""

from __future__ import annotations

from klynge.core.dates import day_span
from klynge.core.vegalite import field, single


def attendance_chart(figures, *, font: str | None = None) -> dict | None:
    """Members present at each of the year's meetings (board meetings left out), as bars."""
    rows = [
        {"Møde": f"{day_span(m.date, m.end)} {m.kind}", "Deltagere": m.members, "Type": m.kind}
        for m in figures.meetings
        if m.meeting.kind != "bestyrelsesmoede"
    ]
    if not rows:
        return None
    spec = single(
        rows,
        {"type": "bar", "color": "#0059b3"},
        {
            "y": field("Møde:N", sort=None, title=None, axis={"labelLimit": 220}),
            "x": field("Deltagere:Q", title="Deltagende medlemmer", axis={"tickMinStep": 1}),
            "tooltip": [field("Møde:N"), field("Deltagere:Q")],
        },
        height={"step": 32},
    )
    if font:
        spec["width"] = 380
        spec["title"] = f"Deltagere pr. møde i {figures.year}"
        spec["config"] = {"font": font}
    else:
        spec["width"] = "container"
    return spec
