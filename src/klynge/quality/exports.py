"""CSV and XLSX of the cluster's view of one indicator: the same suppressed, pseudonymised rows as the page."""

from __future__ import annotations

import io

from openpyxl import Workbook

from klynge.core.exports import csv_writer, xlsx_append

from .selectors import IndicatorFigures, format_value

HEADER = ["Praksis", "Værdi", "Tæller", "Nævner", "Bemærkning"]


def _rows(figures: IndicatorFigures) -> list[list]:
    out = []
    for f in figures.rows:
        public = f.public()
        out.append(
            [
                f.label,
                format_value(figures.indicator, public["value"]) if not f.hidden else "–",
                "" if public["numerator"] is None else round(public["numerator"], 2),
                "" if public["denominator"] is None else round(public["denominator"], 2),
                "Skjult (små tal)" if f.hidden else ("Din praksis" if f.is_own else ""),
            ]
        )
    for ref in (figures.cluster, figures.national):
        if ref is not None:
            out.append(
                [ref.label, "–" if ref.hidden else format_value(figures.indicator, ref.value), "", "", ""]
            )
    return out


def to_csv(figures: IndicatorFigures) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    writer.writerow([figures.indicator.name_da, figures.window.label if figures.window else ""])
    writer.writerow(HEADER)
    writer.writerows(_rows(figures))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(figures: IndicatorFigures) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Indikator"
    xlsx_append(sheet, [figures.indicator.name_da, figures.window.label if figures.window else ""])
    xlsx_append(sheet, HEADER)
    for row in _rows(figures):
        xlsx_append(sheet, row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
