"""The shared layout helpers: dates, numbers, tick boxes, tables, and reading a file back."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from docx import Document
from docx.oxml.ns import qn

from daiban.documents import layout


def test_dates_are_written_the_chinese_way_without_leading_zeros():
    assert layout.cn_date(date(2026, 11, 27)) == "2026年11月27日"
    assert layout.cn_date(datetime(2027, 1, 5, 9, 30)) == "2027年1月5日"


def test_a_missing_date_leaves_lines_to_write_it_by_hand():
    assert layout.cn_date(None) == "＿＿＿＿年＿＿月＿＿日"


def test_quantities_drop_trailing_zeros_and_unknown_ones_stay_blank():
    assert layout.cn_number(Decimal("12000.00")) == "12000"
    assert layout.cn_number(Decimal("45.60")) == "45.6"
    assert layout.cn_number(None) == ""


def test_tick_boxes_tick_only_the_chosen_option():
    assert layout.ticks(("网上申请", "窗口登记"), "窗口登记") == "☐网上申请　☑窗口登记"
    assert layout.ticks(("是", "否"), None) == "☐是　☐否"


def test_read_text_returns_paragraphs_and_cells_in_order():
    doc = layout.form_document("测试表", "CS-001")
    layout.paragraph(doc, "正文一段")
    layout.table(doc, ["序号", "事项名称"], [["1", "企业投资项目备案（赋码）"]])
    text = layout.read_text(layout.to_bytes(doc)).splitlines()
    assert text[:3] == ["编号：CS-001", "测试表", "正文一段"]
    assert text[-4:] == ["序号", "事项名称", "1", "企业投资项目备案（赋码）"]


def test_a_wide_label_takes_a_row_and_a_bare_string_heads_a_section():
    doc = layout.new_document()
    pairs = ["一、项目基本情况", ("项目名称", "某项目"), ("项目代码", "X"), ("建设地点", "鳌江镇"),
             ("建设内容及规模", "新建厂房")]
    tbl = layout.key_value_table(doc, pairs, full_width=("建设内容及规模",))
    assert len(tbl.rows) == 4
    assert [c.text for c in tbl.rows[0].cells] == ["一、项目基本情况"] * 4
    assert [c.text for c in tbl.rows[1].cells] == ["项目名称", "某项目", "项目代码", "X"]
    assert [c.text for c in tbl.rows[2].cells] == ["建设地点", "鳌江镇", "鳌江镇", "鳌江镇"]
    assert [c.text for c in tbl.rows[3].cells] == ["建设内容及规模", "新建厂房", "新建厂房", "新建厂房"]


def test_equal_values_in_a_merged_column_become_one_cell():
    doc = layout.new_document()
    tbl = layout.table(doc, ["阶段", "事项"], [["立项", "L01"], ["立项", "L02"], ["施工", "S04"]], merge_repeats=(0,))
    first, second = tbl.rows[1].cells[0], tbl.rows[2].cells[0]
    assert first._tc is second._tc and first.text == "立项"
    assert layout.read_text(layout.to_bytes(doc)).count("立项") == 1


def test_a_table_header_repeats_on_every_page_and_rows_do_not_split():
    doc = layout.new_document()
    tbl = layout.table(doc, ["序号"], [["1"]])
    assert tbl.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in tbl.rows)


def test_a_picture_is_fitted_to_the_text_width_with_its_caption_below():
    from daiban.documents.tests.samples import png

    doc = layout.new_document()
    layout.picture(doc, png(1000, 100), "图1　流程图")
    data = layout.to_bytes(doc)
    reread = Document(BytesIO(data))
    shape = reread.inline_shapes[0]
    assert abs(shape.width - layout.text_width_cm(doc) * 360000) < 1000
    assert layout.read_text(data).splitlines()[-1] == "图1　流程图"


def test_a_tall_picture_is_kept_within_the_height_limit():
    from daiban.documents.tests.samples import png

    doc = layout.new_document()
    layout.picture(doc, png(100, 1000), "图2　时间表", max_height_cm=10)
    assert round(Document(BytesIO(layout.to_bytes(doc))).inline_shapes[0].height / 360000, 1) == 10.0
