"""Chart specs are plain data now (klynge.core.vegalite): the same Vega-Lite the Altair-built charts gave.

tests/quality/golden/ holds what the Altair builders returned for the figures in chart_cases (written
once with Altair 5.5 before it was removed); the plain-data builders must give exactly the same specs."""

import json
import sys
from pathlib import Path

import pytest

from klynge.quality import charts
from klynge.reports.charts import attendance_chart
from klynge.surveys.charts import question_chart
from tests.quality.chart_cases import cases, other_cases

GOLDEN = Path(__file__).parent / "golden"


def _json(spec):
    return json.loads(json.dumps(spec, ensure_ascii=False))


@pytest.mark.parametrize("name", ["share", "rate_seasonal", "ddd", "empty"])
def test_quality_specs_are_the_altair_specs(name):
    expected = json.loads((GOLDEN / f"{name}.json").read_text())
    got = _json(charts.specs(cases()[name]))
    assert got.keys() == expected.keys()
    for chart in expected:
        assert got[chart] == expected[chart], chart


def test_survey_and_report_specs_are_the_altair_specs():
    expected = json.loads((GOLDEN / "other.json").read_text())
    question, figures = other_cases()
    got = _json(
        {
            "question": question_chart(question),
            "question_large": question_chart(question, large=True),
            "attendance": attendance_chart(figures),
            "attendance_font": attendance_chart(figures, font="DejaVu Sans"),
        }
    )
    assert got == expected


def test_a_changed_figure_changes_the_spec():
    """Control: the comparison sees a difference in one shown value."""
    figures = cases()["share"]
    expected = json.loads((GOLDEN / "share.json").read_text())
    figures.rows[0].value += 1.0
    assert _json(charts.specs(figures))["soejler"] != expected["soejler"]


def test_no_chart_library_is_loaded_to_build_a_spec():
    charts.specs(cases()["share"])
    assert "altair" not in sys.modules
