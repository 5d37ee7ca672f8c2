"""Pieces several forms carry: the case header, the item tables, the handover list, the closing lines."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from docx.document import Document as DocumentObject

from .data import Agency, CaseForm, ClosingForm, Handover, ItemProgress, Owner, Project
from .layout import BLANK, Pair, cn_date, footer, heading, key_value_table, paragraph, signature_block, table, yes_no

NONE_TEXT = "无"


def project_pairs(project: Project, owner: Owner) -> list[Pair]:
    return [("项目名称", project.name), ("项目代码", project.code or "尚未赋码"), ("项目业主", owner.name),
            ("建设地点", project.location)]


def agency_pairs(agency: Agency) -> list[Pair]:
    pairs: list[Pair] = [("代办机构", agency.unit), ("代办员及电话", person(agency.agent, agency.agent_phone))]
    if agency.chief_agent:
        pairs.append(("首席代办员及电话", person(agency.chief_agent, agency.chief_agent_phone)))
    return pairs


def case_pairs(form: CaseForm) -> list[Pair]:
    return [*project_pairs(form.project, form.owner), *agency_pairs(form.agency)]


def person(name: str, phone: str = "") -> str:
    return f"{name}（{phone}）" if phone else name


def short_date(d: date | None) -> str:
    """2026-11-27 in table cells, where the long form would wrap."""
    return d.isoformat() if d else ""


def done_section(doc: DocumentObject, title: str, items: Sequence[ItemProgress]) -> None:
    """Items finished: with the approval number and whether they met their limit."""
    heading(doc, title)
    rows = [[str(n), p.item.name, p.item.department, p.approval_no, short_date(p.done_on), yes_no(p.on_time)]
            for n, p in enumerate(items, 1)]
    table(doc, ["序号", "事项名称", "审批部门", "批准文号/证照编号", "办结日期", "是否按时"],
          rows or [["", NONE_TEXT, "", "", "", ""]], [1.0, 4.0, 2.8, 4.0, 2.4, 1.4], center_columns=(0, 4, 5))


def open_section(doc: DocumentObject, title: str, items: Sequence[ItemProgress]) -> None:
    """Items still open: with the date each is due and its warning state."""
    heading(doc, title)
    rows = [[str(n), p.item.name, p.item.department, short_date(p.due_on), p.state]
            for n, p in enumerate(items, 1)]
    table(doc, ["序号", "事项名称", "审批部门", "应办结日期", "状态/预警"],
          rows or [["", NONE_TEXT, "", "", ""]], [1.2, 5.4, 3.8, 2.6, 2.6], center_columns=(0, 3, 4))


def handover_section(doc: DocumentObject, title: str, documents: Sequence[Handover]) -> None:
    heading(doc, title)
    rows = [[str(n), h.document, str(h.copies), "原件" if h.original else "复印件"]
            for n, h in enumerate(documents, 1)]
    table(doc, ["序号", "资料名称", "份数", "原件/复印件"], rows or [["", NONE_TEXT, "", ""]],
          [1.2, 9.6, 2.0, 2.8], center_columns=(0, 2, 3))


def numbered_section(doc: DocumentObject, title: str, lines: Sequence[str]) -> None:
    """1．… 2．… in body type; 无 when there is nothing to say."""
    heading(doc, title)
    for n, line in enumerate(lines or [NONE_TEXT], 1):
        paragraph(doc, f"{n}．{line}" if lines else line)


def closing(doc: DocumentObject, form: ClosingForm, *, owner_line: str, when: date) -> None:
    """The end of a completion or termination form: the owner's receipt, the agent's signature, the agency
    unit's opinion and the archive date (with its 2-working-day deadline), the unit and the date at the foot."""
    signature_block(doc, [f"{owner_line}：{BLANK}　　日期：{cn_date(None)}",
                          f"代办员（签字）：{BLANK}　　日期：{cn_date(None)}"])
    due = f"（应于{cn_date(form.archive_due_on)}前归档）" if form.archive_due_on else ""
    archived = cn_date(form.archived_on) if form.archived_on else f"{BLANK}{due}"
    key_value_table(doc, [("代办机构审核意见", f"{form.opinion}\n\n（盖章）　　　　负责人：{BLANK}"),
                          ("归档日期", archived)], columns=1, label_cm=3.6)
    footer(doc, form.agency.unit, when)
