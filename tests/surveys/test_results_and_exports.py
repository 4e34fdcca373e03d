"""Results: counts, shares and number statistics; hidden below the minimum; XLSX and CSV exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from klynge.surveys import selectors
from tests.factories import make_person

from .helpers import answer, build_survey

pytestmark = pytest.mark.django_db


def _answer_three(world, q, survey):
    answer(survey, world.chair, q, single=0, multiple=(0, 1), scale=5, number=2, yesno=True, text="=1+1")
    answer(survey, world.member, q, single=0, multiple=(1,), scale=3, number=4, yesno=False, text="Mere tid")
    answer(survey, world.alternate, q, single=2, multiple=(), scale=4, number=9, yesno=True, text="@SUM(A1)")


def test_counts_shares_and_statistics(world):
    survey, q = build_survey(world.cluster)
    _answer_three(world, q, survey)
    results = selectors.survey_results(survey=survey)
    assert results.visible and results.responses == 3
    by_question = {r.question.pk: r for r in results.questions}
    assert by_question[q["single"].pk].rows == [
        ("Ugentligt", 2, 66.7),
        ("Månedligt", 0, 0.0),
        ("Sjældnere", 1, 33.3),
    ]
    # Several choices: the share is of those who answered the question.
    multiple = by_question[q["multiple"].pk]
    assert multiple.n == 2 and [row[1] for row in multiple.rows] == [1, 2, 0]
    assert by_question[q["number"].pk].stats == {"n": 3, "mean": 5.0, "median": 4.0, "min": 2.0, "max": 9.0}
    assert by_question[q["yesno"].pk].rows == [("Ja", 2, 66.7), ("Nej", 1, 33.3)]
    assert sorted(by_question[q["text"].pk].texts) == ["=1+1", "@SUM(A1)", "Mere tid"]


def test_xlsx_has_the_right_numbers_and_formulas_as_text(client, world):
    survey, q = build_survey(world.cluster)
    _answer_three(world, q, survey)
    client.force_login(world.chair)
    response = client.get(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/resultater.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    summary = [list(row) for row in workbook["Resultater"].iter_rows()]
    values = [[c.value for c in row] for row in summary]
    assert values[1][:2] == ["Antal besvarelser", 3]
    start = values.index(["1. Hvor ofte henviser du?", None, None, None, None])
    assert values[start + 3][:3] == ["Ugentligt", 2, 66.7]
    assert values[start + 5][:3] == ["Sjældnere", 1, 33.3]
    stats_row = next(i for i, row in enumerate(values) if row[0] == "4. Henvisninger sidste måned")
    assert values[stats_row + 3] == [3, 5, 4, 2, 9]

    cells = {c.value: c for row in summary for c in row if c.value is not None}
    assert cells["=1+1"].data_type == "s"
    assert cells["@SUM(A1)"].data_type == "s"

    sheet = workbook["Svar"]
    header = [c.value for c in sheet[1]]
    text_column = header.index("Ønsker til kommunen")
    texts = {row[text_column].value: row[text_column] for row in sheet.iter_rows(min_row=2)}
    assert set(texts) == {"=1+1", "Mere tid", "@SUM(A1)"}
    assert texts["=1+1"].data_type == "s"
    numbers = sorted(
        row[header.index("Henvisninger sidste måned")].value for row in sheet.iter_rows(min_row=2)
    )
    assert numbers == [2, 4, 9]
    # The raw sheet holds the text as a string, never as a formula.
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_csv_neutralises_formulas(client, world):
    survey, q = build_survey(world.cluster)
    _answer_three(world, q, survey)
    client.force_login(world.chair)
    response = client.get(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/resultater.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert "Ønsker til kommunen" in rows[0]
    column = rows[0].index("Ønsker til kommunen")
    assert {r[column] for r in rows[1:]} == {"'=1+1", "Mere tid", "'@SUM(A1)"}


def test_results_below_the_minimum_stay_hidden(client, world):
    survey, q = build_survey(world.cluster, min_responses=3)
    answer(survey, world.chair, q, text="Hemmelig tekst")
    answer(survey, world.member, q, text="Anden hemmelighed")
    base = f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}"
    client.force_login(world.chair)

    page = client.get(base + "/resultater/")
    assert page.status_code == 200
    assert "Resultaterne er skjult endnu" in page.content.decode()
    assert "Hemmelig tekst" not in page.content.decode()
    assert "Hemmelig tekst" not in client.get(base + "/praesentation/").content.decode()
    assert client.get(base + "/resultater.xlsx").status_code == 403
    assert client.get(base + "/resultater.csv").status_code == 403
    api = client.get(f"/api/v1/clusters/{world.cluster.slug}/surveys/{survey.pk}/results").json()
    assert api["visible"] is False and api["questions"] == [] and api["responses"] == 2

    answer(survey, world.alternate, q, text="Tredje")
    page = client.get(base + "/resultater/").content.decode()
    assert "Hemmelig tekst" in page and "Resultaterne er skjult endnu" not in page
    assert client.get(base + "/resultater.xlsx").status_code == 200
    api = client.get(f"/api/v1/clusters/{world.cluster.slug}/surveys/{survey.pk}/results").json()
    assert api["visible"] is True and len(api["questions"]) == 6


def test_named_results_show_from_the_first_answer_and_export_names(client, world):
    survey, q = build_survey(world.cluster, anonymous=False)
    answer(survey, world.member, q)
    client.force_login(world.chair)
    response = client.get(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/resultater.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["Svar"]
    assert sheet["A1"].value == "Navn" and sheet["A2"].value == "Medlem Mona"


def test_results_page_has_chart_spec_and_table(client, world):
    survey, q = build_survey(world.cluster)
    extra = make_person(world.cluster, practice=world.practice)
    survey_people = [world.chair, world.member, world.alternate]
    for person in survey_people:
        answer(survey, person, q)
    assert extra  # not invited: joined after the survey went out
    client.force_login(world.member)
    html = client.get(f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/resultater/").content.decode()
    assert 'id="spec-' in html and "vega-lite" in html and "<table" in html
    assert "$schema" in html


def test_the_minimum_cannot_be_lowered_after_sending(client, world):
    survey, q = build_survey(world.cluster, min_responses=3)
    answer(survey, world.member, q, text="Kun mit svar")
    client.force_login(world.chair)
    response = client.post(
        f"/k/{world.cluster.slug}/spoergeskemaer/{survey.pk}/ret/",
        {
            "title": survey.title,
            "audience": "members",
            "anonymous": "on",
            "min_responses": 1,
            "opens_on": survey.opens_on.isoformat(),
            "closes_on": survey.closes_on.isoformat(),
        },
    )
    assert response.status_code == 400 and "ikke sænkes" in response.content.decode()
    survey.refresh_from_db()
    assert survey.min_responses == 3
    assert not selectors.survey_results(survey=survey).visible
