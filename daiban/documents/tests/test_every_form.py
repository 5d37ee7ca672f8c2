"""What every official form shares: A4 with the government margins, 编号 at the top right, the title in 黑体,
East Asian fonts on every run, tables with full single borders."""
from __future__ import annotations

from io import BytesIO

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from daiban.documents.agreement import entrustment_agreement
from daiban.documents.completion import completion_form
from daiban.documents.evaluation import evaluation_form
from daiban.documents.layout import BODY_FONT, TABLE_FONT, TITLE_FONT
from daiban.documents.meeting import meeting_record
from daiban.documents.plan import task_plan
from daiban.documents.progress import progress_report
from daiban.documents.registration import registration_form
from daiban.documents.termination import termination_form
from daiban.documents.tests import samples

FORMS = {
    "registration": lambda: registration_form(samples.registration()),
    "agreement": lambda: entrustment_agreement(samples.agreement()),
    "plan": lambda: task_plan(samples.plan(flowchart_png=samples.png(), gantt_png=samples.png())),
    "progress": lambda: progress_report(samples.progress()),
    "completion": lambda: completion_form(samples.completion()),
    "termination": lambda: termination_form(samples.termination()),
    "meeting": lambda: meeting_record(samples.meeting()),
    "evaluation": lambda: evaluation_form(samples.evaluation()),
}


@pytest.fixture(params=sorted(FORMS), scope="module")
def form(request):
    return Document(BytesIO(FORMS[request.param]()))


def east_asia(run) -> str | None:
    fonts = run._element.rPr.find(qn("w:rFonts")) if run._element.rPr is not None else None
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def all_runs(doc):
    for para in doc.paragraphs:
        yield from para.runs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                for para in cell.paragraphs:
                    yield from para.runs


def test_the_page_is_a4_with_the_government_margins(form):
    section = form.sections[0]
    assert {round(section.page_width / 360000, 1), round(section.page_height / 360000, 1)} == {21.0, 29.7}
    if section.page_height > section.page_width:
        margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        assert [round(m / 360000, 1) for m in margins] == [3.7, 3.5, 2.8, 2.6]


def test_the_serial_number_stands_at_the_top_right_above_the_title(form):
    first, second = form.paragraphs[:2]
    assert first.text.startswith("编号：") and first.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert second.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {east_asia(run) for run in second.runs} == {TITLE_FONT}
    assert second.runs[0].font.size.pt == 22


def test_every_run_names_its_east_asian_font(form):
    runs = [run for run in all_runs(form) if run.text.strip()]
    assert runs and all(east_asia(run) in {TITLE_FONT, BODY_FONT, TABLE_FONT} for run in runs)
    table_runs = [run for table in form.tables for row in table.rows for cell in row.cells
                  for para in cell.paragraphs for run in para.runs if run.text.strip()]
    assert table_runs and {east_asia(run) for run in table_runs} == {TABLE_FONT}


def test_the_normal_style_falls_back_to_the_body_font(form):
    fonts = form.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == BODY_FONT


def test_every_ruled_table_has_full_single_borders_of_its_own(form):
    ruled = [t for t in form.tables if t._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val"))
             == "single"]
    assert ruled
    for table in ruled:
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            assert borders.find(qn(f"w:{edge}")).get(qn("w:val")) == "single", edge


def test_no_two_tables_touch_so_word_cannot_join_them(form):
    blocks = [child.tag for child in form.element.body]
    assert all(not (a == b == qn("w:tbl")) for a, b in zip(blocks, blocks[1:], strict=False))


def test_the_page_number_is_printed_at_the_foot(form):
    footer_xml = form.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "— " in form.sections[0].footer.paragraphs[0].text
