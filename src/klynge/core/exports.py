"""Spreadsheet-safe exports: text a spreadsheet would read as a formula stays text.

A cell starting with =, +, -, @, tab or carriage return is a formula to Excel and LibreOffice
(CSV injection). In CSV such text gets a leading apostrophe; in XLSX the cell is stored as a string.
Every CSV and XLSX export in Klynge writes through these helpers.
"""

from __future__ import annotations

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """csv.writer whose rows are neutralised cell by cell."""

    def __init__(self, out, **options):
        self._writer = csv.writer(out, **options)

    def writerow(self, row):
        return self._writer.writerow([csv_safe(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(out, *, delimiter: str = ";") -> SafeCsvWriter:
    """Semicolons by default: what Danish Excel opens without a wizard."""
    return SafeCsvWriter(out, delimiter=delimiter)


def xlsx_set(cell, value) -> None:
    """Writes a value; strings are always stored as text, so '=1+1' stays text and is never evaluated."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def xlsx_append(sheet, row) -> None:
    """Like sheet.append, with strings stored as text (openpyxl would store '=...' as a formula)."""
    sheet.append(row)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
