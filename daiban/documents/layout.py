"""The official layout every form shares: A4 with government margins, 黑体 title, 仿宋 body, 宋体 tables with full
borders, the serial number at the top right and the issuing body and date at the foot.

Fonts are set on every run through ``w:eastAsia``: python-docx's ``font.name`` only sets the Latin font, and
Word then falls back to the theme's East Asian font, which is not what a county office prints.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO
from typing import Literal

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from daiban.lib.text import tidy

from .versions import version_label

TITLE_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
TABLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"

TITLE_SIZE = 22  # 二号
BODY_SIZE = 16  # 三号
TABLE_SIZE = 12  # 小四
SERIAL_SIZE = 12
SIGN_SIZE = 14  # 四号: signature lines, the issuing body at the foot, the page number
ROW_HEIGHT_CM = 0.65

PAGE_WIDTH_CM, PAGE_HEIGHT_CM = 21.0, 29.7
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
# A landscape page is the portrait page turned a quarter clockwise, its margins turning with it: the 2.8 cm
# binding edge comes to the top, so the page binds with the others.
LANDSCAPE_MARGINS_CM = {"top": 2.8, "bottom": 2.6, "left": 3.5, "right": 3.7}

TICKED, UNTICKED = "☑", "☐"
BLANK = "＿＿＿＿＿＿"

Align = Literal["left", "center", "right", "justify"]
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}
# A Pair is one label and its value; a bare string is a section heading across the whole table.
Pair = tuple[str, str] | str


# --- text helpers -------------------------------------------------------------------------------------------

def cn_date(d: date | datetime | None) -> str:
    """2026年11月27日; a blank date line for a date still to be written by hand."""
    if d is None:
        return "＿＿＿＿年＿＿月＿＿日"
    return f"{d.year}年{d.month}月{d.day}日"


def cn_number(value: Decimal | float | int | None) -> str:
    """A quantity as a form prints it: no trailing zeros, blank when unknown."""
    if value is None:
        return ""
    return format(Decimal(str(value)).normalize(), "f")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("是" if value else "否")


def ticks(options: Iterable[str], chosen: Iterable[str] | str | None) -> str:
    """☑网上申请　☐窗口登记 …: the tick boxes of a paper form."""
    picked = {chosen} if isinstance(chosen, str) else set(chosen or ())
    return "　".join(f"{TICKED if option in picked else UNTICKED}{option}" for option in options)


# --- document and runs ----------------------------------------------------------------------------------------

def set_font(run, east_asia: str, size: float, *, bold: bool = False) -> None:
    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)


def new_document(*, landscape: bool = False) -> DocumentObject:
    doc = Document()
    section = doc.sections[0]
    width, height = (PAGE_HEIGHT_CM, PAGE_WIDTH_CM) if landscape else (PAGE_WIDTH_CM, PAGE_HEIGHT_CM)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(width), Cm(height)
    for side, cm in (LANDSCAPE_MARGINS_CM if landscape else MARGINS_CM).items():
        setattr(section, f"{side}_margin", Cm(cm))
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    _page_number(section)
    return doc


def _page_number(section) -> None:
    """— 1 — centred at the foot of every page, as printed on official papers."""
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(para.add_run("— "), TABLE_FONT, SIGN_SIZE)
    run = para.add_run()
    set_font(run, TABLE_FONT, SIGN_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._element.append(node)
    set_font(para.add_run(" —"), TABLE_FONT, SIGN_SIZE)


def form_document(title_text: str, number: str, *, landscape: bool = False,
                  version: int | None = None) -> DocumentObject:
    """A new form: the page, the serial number (and the form's 版次, when it has versions) at the top right,
    the title."""
    doc = new_document(landscape=landscape)
    serial(doc, number if version is None else f"{number}　{version_label(version)}")
    title(doc, title_text)
    return doc


def text_width_cm(doc: DocumentObject) -> float:
    section = doc.sections[-1]
    # Every section of our documents has its page and margins set (new_document).
    assert section.page_width is not None and section.left_margin is not None and section.right_margin is not None
    return (section.page_width - section.left_margin - section.right_margin) / 360000


def serial(doc: DocumentObject, number: str) -> Paragraph:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    set_font(para.add_run(f"编号：{number}"), TABLE_FONT, SERIAL_SIZE)
    return para


def title(doc: DocumentObject, text: str) -> Paragraph:
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_before = Pt(6)
    para.paragraph_format.space_after = Pt(14)
    set_font(para.add_run(text), TITLE_FONT, TITLE_SIZE)
    return para


def _follows_table(doc: DocumentObject) -> bool:
    blocks = [child for child in doc.element.body if child.tag != qn("w:sectPr")]
    return bool(blocks) and blocks[-1].tag == qn("w:tbl")


def paragraph(doc: DocumentObject, text: str, *, bold: bool = False, size: float | None = None,
              align: Align | None = None, indent_first_line: bool = True) -> Paragraph:
    size = size or BODY_SIZE
    after_table = _follows_table(doc)
    para = doc.add_paragraph()
    para.alignment = _ALIGN[align or "justify"]
    fmt = para.paragraph_format
    if after_table:
        fmt.space_before = Pt(6)
    # 三号 body on a fixed 28-point line, the usual 公文 grid; smaller text keeps single spacing.
    if size >= BODY_SIZE:
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    if indent_first_line:
        fmt.first_line_indent = Pt(size * 2)
    set_font(para.add_run(text), BODY_FONT, size, bold=bold)
    return para


def heading(doc: DocumentObject, text: str) -> Paragraph:
    """A section heading inside a form (一、… / 委托代办事项): 黑体 at the body size, flush left."""
    para = doc.add_paragraph()
    para.paragraph_format.space_before = Pt(8)
    para.paragraph_format.space_after = Pt(4)
    para.paragraph_format.keep_with_next = True
    set_font(para.add_run(text), TITLE_FONT, BODY_SIZE)
    return para


def note(doc: DocumentObject, text: str) -> Paragraph:
    """A 注： line under a table, in table type."""
    para = paragraph(doc, text, size=TABLE_SIZE, align="left", indent_first_line=False)
    para.paragraph_format.space_before = Pt(4)
    return para


# --- tables -------------------------------------------------------------------------------------------------

def _set_cell_margins(tbl: Table, twips: int = 80) -> None:
    """Narrow side padding (Word's default is 108 twips), so that many columns still fit."""
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:w"), str(twips))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    tbl._tbl.tblPr.append(margins)


def _set_borders(tbl: Table, value: str = "single") -> None:
    """Full single borders written into tblPr itself, so they survive a template without the Table Grid style."""
    tbl_pr = tbl._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        node = OxmlElement(f"w:{edge}")
        node.set(qn("w:val"), value)
        node.set(qn("w:sz"), "4" if value == "single" else "0")
        node.set(qn("w:space"), "0")
        node.set(qn("w:color"), "000000" if value == "single" else "auto")
        borders.append(node)
    tbl_pr.append(borders)


def _new_table(doc: DocumentObject, rows: int, widths_cm: Sequence[float], *, borders: bool = True) -> Table:
    if _follows_table(doc):
        # Two tables with nothing between them would be joined into one by Word.
        spacer = doc.add_paragraph()
        spacer.paragraph_format.line_spacing = Pt(8)
    tbl = doc.add_table(rows=rows, cols=len(widths_cm))
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    _set_borders(tbl, "single" if borders else "nil")
    _set_cell_margins(tbl)
    for row in tbl.rows:
        _row_flag(row, "cantSplit")  # a row split across two pages reads as two half-filled rows
        if borders:
            row.height_rule, row.height = WD_ROW_HEIGHT_RULE.AT_LEAST, Cm(ROW_HEIGHT_CM)
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    for column, width in zip(tbl.columns, widths_cm, strict=True):
        column.width = Cm(width)
    return tbl


def write_cell(cell: _Cell, text: str, *, bold: bool = False, align: Align = "left",
               size: float = TABLE_SIZE) -> None:
    """Replace a cell's text; line breaks in the text become paragraphs."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = str(text).split("\n")
    first = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._element.getparent().remove(extra._element)
    for run in list(first.runs):
        run._element.getparent().remove(run._element)
    for index, line in enumerate(lines):
        para = first if index == 0 else cell.add_paragraph()
        para.alignment = _ALIGN[align]
        # A fixed line keeps rows the same height whatever CJK font the reader's machine substitutes.
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        para.paragraph_format.line_spacing = Pt(round(size * 1.3))
        set_font(para.add_run(line), TABLE_FONT, size, bold=bold)


def _row_flag(row, name: str) -> None:
    node = OxmlElement(f"w:{name}")
    node.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(node)


def _even_widths(doc: DocumentObject, count: int) -> list[float]:
    return [text_width_cm(doc) / count] * count


def table(doc: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[str]],
          widths_cm: Sequence[float] | None = None, *, merge_repeats: Iterable[int] = (),
          size: float = TABLE_SIZE, center_columns: Iterable[int] = ()) -> Table:
    """A bordered table with a bold, repeated header row. Consecutive equal values in the columns named by
    merge_repeats are merged into one cell (the 阶段 column of a plan); center_columns are centred."""
    widths = list(widths_cm) if widths_cm else _even_widths(doc, len(header))
    tbl = _new_table(doc, 1 + len(rows), widths)
    for cell, text in zip(tbl.rows[0].cells, header, strict=True):
        write_cell(cell, text, bold=True, align="center", size=size)
    _row_flag(tbl.rows[0], "tblHeader")  # repeated at the top of every page the table runs onto
    centred = set(center_columns)
    for row, values in zip(tbl.rows[1:], rows, strict=True):
        for index, (cell, text) in enumerate(zip(row.cells, values, strict=True)):
            write_cell(cell, text, align="center" if index in centred else "left", size=size)
    for column in merge_repeats:
        _merge_runs(tbl, column, [values[column] for values in rows], size)
    return tbl


def _merge_runs(tbl: Table, column: int, values: Sequence[str], size: float) -> None:
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            if index - start > 1:
                for row in range(start + 2, index + 1):
                    write_cell(tbl.cell(row, column), "")
                merged = tbl.cell(start + 1, column).merge(tbl.cell(index, column))
                write_cell(merged, values[start], align="center", size=size)
            start = index


def key_value_table(doc: DocumentObject, pairs: Sequence[Pair], columns: int = 2, *,
                    full_width: Iterable[str] = (), label_cm: float = 3.2) -> Table:
    """The label/value grid at the head of a form: `columns` pairs side by side. A label named in full_width
    takes a row of its own with the value across the rest; a bare string is a section heading row."""
    wide = set(full_width)
    rows: list[str | list[tuple[str, str]]] = []
    open_row: list[tuple[str, str]] | None = None
    for pair in pairs:
        if isinstance(pair, str) or pair[0] in wide:
            rows.append(pair if isinstance(pair, str) else [pair])
            open_row = None
        elif open_row is not None and len(open_row) < columns:
            open_row.append(pair)
        else:
            open_row = [pair]
            rows.append(open_row)
    value_cm = (text_width_cm(doc) - label_cm * columns) / columns
    tbl = _new_table(doc, len(rows), [label_cm, value_cm] * columns)
    for row, content in zip(tbl.rows, rows, strict=True):
        cells = row.cells
        if isinstance(content, str):
            write_cell(cells[0].merge(cells[-1]), content, bold=True)
            continue
        for index, (label, value) in enumerate(content):
            write_cell(cells[2 * index], label, align="center")
            value_cell = cells[2 * index + 1]
            if index == len(content) - 1 and 2 * index + 1 < len(cells) - 1:
                value_cell = value_cell.merge(cells[-1])  # the last value of a short row runs to the edge
            write_cell(value_cell, value)
    return tbl


def signature_block(doc: DocumentObject, lines: Sequence[str]) -> None:
    """Lines where people sign, left-aligned in body type with room to write."""
    for index, line in enumerate(lines):
        para = paragraph(doc, line, size=SIGN_SIZE, align="left", indent_first_line=False)
        para.paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
        para.paragraph_format.space_before = Pt(12 if index == 0 else 6)
        para.paragraph_format.keep_with_next = True


def signature_columns(doc: DocumentObject, columns: Sequence[Sequence[str]]) -> Table:
    """Side-by-side signature and seal blocks (委托方 | 受托方) in a table without borders; line n of every
    column sits on row n, so the blocks stay level."""
    depth = max(len(lines) for lines in columns)
    tbl = _new_table(doc, depth, _even_widths(doc, len(columns)), borders=False)
    for row in tbl.rows:
        row.height_rule, row.height = WD_ROW_HEIGHT_RULE.AT_LEAST, Cm(1.4)
    for index, lines in enumerate(columns):
        for row, line in zip(tbl.rows, [*lines, *[""] * (depth - len(lines))], strict=True):
            write_cell(row.cells[index], line, size=SIGN_SIZE)
            row.cells[index].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM
    return tbl


def footer(doc: DocumentObject, body_name: str, when: date | None) -> None:
    """The issuing body and the date, right-aligned at the foot of the form."""
    for index, text in enumerate((body_name, cn_date(when))):
        para = paragraph(doc, text, size=SIGN_SIZE, align="right", indent_first_line=False)
        para.paragraph_format.space_before = Pt(12 if index == 0 else 0)
        para.paragraph_format.keep_with_next = index == 0


def picture(doc: DocumentObject, png: bytes, caption: str, *, max_height_cm: float = 12.0) -> None:
    """A picture scaled to the text width (and at most max_height_cm high), centred, with its caption."""
    image = Image.from_blob(png)
    width = text_width_cm(doc)
    if image.px_height / image.px_width * width > max_height_cm:
        width = max_height_cm * image.px_width / image.px_height
    para = doc.add_paragraph()
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.space_before = Pt(8)
    para.paragraph_format.keep_with_next = True
    para.add_run().add_picture(BytesIO(png), width=Cm(width))
    label = paragraph(doc, caption, size=TABLE_SIZE, align="center", indent_first_line=False)
    label.runs[0].font.bold = True


# --- out and back -------------------------------------------------------------------------------------------

def to_bytes(doc: DocumentObject) -> bytes:
    for node in doc.element.body.iter(qn("w:t")):  # one place for every form: parts joined never double 。
        node.text = tidy(node.text or "")
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def read_text(data: bytes) -> str:
    """Every paragraph of the body, table cells included, in document order, one per line. A merged cell is
    read once (the rows a vertical merge covers read as empty lines)."""
    doc = Document(BytesIO(data))
    return "\n".join(Paragraph(p, doc).text for p in doc.element.body.iter(qn("w:p")))
