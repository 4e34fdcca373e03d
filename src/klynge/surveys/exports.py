"""CSV and XLSX exports of a questionnaire's answers and results.

Text that a spreadsheet would read as a formula (starting with =, +, -, @, tab or carriage return)
is neutralised: in CSV with a leading apostrophe, in XLSX by storing the cell as a string.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from klynge.core.exports import csv_writer, xlsx_set

from .selectors import Results, response_rows


def _plain(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return value


def results_csv(*, survey, results: Results) -> bytes:
    """One row per response (semicolon-separated, UTF-8 with BOM so Excel reads æøå)."""
    header, rows = response_rows(survey=survey)
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_plain(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def results_xlsx(*, survey, results: Results) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "Resultater"
    bold = Font(bold=True)
    line = 1

    def put(*values, strong=False):
        nonlocal line
        for column, value in enumerate(values, start=1):
            cell = summary.cell(row=line, column=column)
            xlsx_set(cell, value)
            if strong:
                cell.font = bold
        line += 1

    put(survey.title, strong=True)
    put("Antal besvarelser", results.responses)
    line += 1
    for result in results.questions:
        question = result.question
        put(f"{question.number}. {question.text}", strong=True)
        put("Svar på spørgsmålet", result.n)
        if result.rows:
            put("Svar", "Antal", "Andel (%)", strong=True)
            for label, count, share in result.rows:
                put(label, count, share)
        if result.stats:
            put("n", "Gennemsnit", "Median", "Mindste", "Største", strong=True)
            s = result.stats
            put(s["n"], s["mean"], s["median"], s["min"], s["max"])
        if result.texts:
            put("Fritekstsvar", strong=True)
            for text in result.texts:
                put(text)
        line += 1
    summary.column_dimensions["A"].width = 60

    sheet = workbook.create_sheet("Svar")
    header, rows = response_rows(survey=survey)
    for column, value in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        xlsx_set(cell, value)
        cell.font = bold
    for r, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            xlsx_set(sheet.cell(row=r, column=column), value)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
