"""Vega-Lite specs (plain data, klynge.core.vegalite) for a question's counts; a table is always shown beside them."""

from __future__ import annotations

from klynge.core.vegalite import field, single

from .selectors import QuestionResult


def question_chart(result: QuestionResult, *, large: bool = False) -> dict | None:
    if not result.rows or not result.n:
        return None
    data = [{"Svar": label, "Antal": count, "Andel": share / 100} for label, count, share in result.rows]
    size = 18 if large else 12
    return single(
        data,
        {"type": "bar", "color": "#0059b3"},
        {
            "y": field(
                "Svar:N",
                sort=[label for label, _, _ in result.rows],
                title=None,
                axis={"labelLimit": 260, "labelFontSize": size},
            ),
            "x": field("Antal:Q", title="Antal svar", axis={"tickMinStep": 1, "labelFontSize": size}),
            "tooltip": [field("Svar:N"), field("Antal:Q"), field("Andel:Q", format=".0%")],
        },
        width="container",
        height={"step": 40 if large else 26},
    )
