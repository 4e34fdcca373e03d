"""CSV and XLSX of the cluster's view of one indicator: the same suppressed, pseudonymised rows as the page."""

from __future__ import annotations

import io

from openpyxl import Workbook

from klynge.core.exports import csv_writer, xlsx_append

from .selectors import IndicatorFigures, format_value

HEADER = ["Praksis", "Værdi", "Tæller", "Nævner", "Bemærkning"]


def _rows(figures: IndicatorFigures) -> list[list]:
    """The page's table: counts only for the viewer's own practice; others and the cluster by value."""
    out = []
    for f in figures.rows:
        public = f.public(figures.indicator)
        if f.hidden:
            note = "Skjult (små tal)"
        elif f.is_own:
            note = "Din praksis" + (" (skjult for de andre praksis: små tal)" if f.suppressed else "")
        else:
            note = ""
        out.append(
            [
                f.label,
                "–" if f.hidden else format_value(figures.indicator, f.value),
                "" if public["numerator"] is None else round(public["numerator"], 2),
                "" if public["denominator"] is None else round(public["denominator"], 2),
                note,
            ]
        )
    for ref in (figures.cluster, figures.national):
        if ref is not None:
            note = cluster_note(ref) if ref is figures.cluster else ""
            out.append([ref.label, ref.text or "–", "", "", note])
    return out


def cluster_note(cluster) -> str:
    return f"Uden {cluster.left_out} praksis med små tal" if cluster.left_out else ""


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
