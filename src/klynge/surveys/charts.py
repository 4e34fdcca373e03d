"""Vega-Lite specs (built with Altair) for a question's counts; a table is always shown beside them."""

from __future__ import annotations

import altair as alt

from .selectors import QuestionResult


def question_chart(result: QuestionResult, *, large: bool = False) -> dict | None:
    if not result.rows or not result.n:
        return None
    data = alt.Data(
        values=[{"Svar": label, "Antal": count, "Andel": share / 100} for label, count, share in result.rows]
    )
    order = [label for label, _, _ in result.rows]
    size = 18 if large else 12
    chart = (
        alt.Chart(data)
        .mark_bar(color="#0059b3")
        .encode(
            y=alt.Y("Svar:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=size)),
            x=alt.X("Antal:Q", title="Antal svar", axis=alt.Axis(tickMinStep=1, labelFontSize=size)),
            tooltip=[alt.Tooltip("Svar:N"), alt.Tooltip("Antal:Q"), alt.Tooltip("Andel:Q", format=".0%")],
        )
        .properties(width="container", height=alt.Step(40 if large else 26))
    )
    spec = chart.to_dict(validate=False)
    spec.pop("config", None)
    return spec
