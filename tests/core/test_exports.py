import io

from openpyxl import Workbook, load_workbook

from klynge.core.exports import csv_writer, xlsx_append


def test_csv_cells_that_look_like_formulas_stay_text():
    out = io.StringIO()
    csv_writer(out).writerow(["=1+1", "+45 12345678", "-3", "@SUM(A1)", "Åse Øby", 7])
    assert out.getvalue().strip() == "'=1+1;'+45 12345678;'-3;'@SUM(A1);Åse Øby;7"


def test_xlsx_cells_that_look_like_formulas_stay_text():
    book = Workbook()
    xlsx_append(book.active, ["=1+1", "Åse", 3])
    xlsx_append(book.active, ["@HYPERLINK(x)", None, 2.5])
    data = io.BytesIO()
    book.save(data)
    sheet = load_workbook(io.BytesIO(data.getvalue())).active
    assert [c.value for c in sheet[1]] == ["=1+1", "Åse", 3]
    assert sheet["A1"].data_type == "s" and sheet["A2"].value == "@HYPERLINK(x)" and sheet["C2"].value == 2.5
