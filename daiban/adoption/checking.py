"""Checking one ledger row: every problem at once, in Chinese, before anything is written."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from daiban.adoption.columns import free_text, norm, parse_date, row_key
from daiban.cases.models import TeamRole
from daiban.cases.states import CaseStatus, ItemStatus
from daiban.catalog.models import CatalogItem
from daiban.intake.models import Category
from daiban.intake.validation import MAX_INVESTMENT_WAN, parse_decimal, resolve_location
from daiban.lib.validators import credit_code_error, mobile_error
from daiban.org.models import AgencyBody, User

CASE_STATUS_WORDS = {label: value for value, label in CaseStatus.choices} | {
    "在办": CaseStatus.IN_PROGRESS, "办理中": CaseStatus.IN_PROGRESS, "办结": CaseStatus.COMPLETED,
    "已完成": CaseStatus.COMPLETED, "终止": CaseStatus.TERMINATED, "": CaseStatus.IN_PROGRESS}
ITEM_STATUS_WORDS = {label: value for value, label in ItemStatus.choices} | {
    "办结": ItemStatus.APPROVED, "已完成": ItemStatus.APPROVED, "在办": ItemStatus.IN_PROGRESS,
    "": ItemStatus.IN_PROGRESS}
# Keyed as cells are read (NFKC: the labels' full-width brackets become half-width).
CATEGORY_WORDS = {norm(label): value for value, label in Category.choices} | {
    label.split("（")[0]: value for value, label in Category.choices}
CLOSED = (CaseStatus.COMPLETED, CaseStatus.TERMINATED)
LABELS = {"received_on": "登记日期", "accepted_on": "受理日期", "closed_on": "办结日期",
          "started_on": "事项受理日期", "finished_on": "事项办结日期", "entrusted_on": "委托日期", "filed_on": "归档日期"}
TEAM_ROLE_WORDS = {label: value for value, label in TeamRole.choices}


@dataclass
class ItemRow:
    catalog_item: CatalogItem
    status: str
    started_on: dt.date | None
    finished_on: dt.date | None
    approval_no: str


@dataclass
class LedgerEntry:
    line: int
    key: str
    raw: dict
    errors: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)
    items: list[ItemRow] = field(default_factory=list)


def _dates(raw: dict, names: tuple[str, ...], today: dt.date, errors: list[str]) -> dict[str, dt.date | None]:
    dates: dict[str, dt.date | None] = {}
    for name in names:
        try:
            dates[name] = parse_date(raw.get(name))
        except ValueError:
            errors.append(f"{LABELS[name]}“{norm(raw.get(name))}”无法识别，请写成 2024-03-05")
            dates[name] = None
        if (day := dates[name]) and day > today:
            errors.append(f"{LABELS[name]}{day}晚于今天，不能导入未来的日期")
    return dates


def check_row(line: int, raw: dict, *, today: dt.date) -> LedgerEntry:
    entry = LedgerEntry(line=line, key=row_key(raw), raw=raw)
    errors, text = entry.errors, {name: norm(value) for name, value in raw.items()}
    # Names and descriptions keep their full-width punctuation (（分公司）, ，); codes, numbers and dates are NFKC.
    text |= {name: free_text(raw.get(name)) for name in ("company_name", "project_name", "legal_rep", "contact_name")
             if name in raw}
    text["description"] = free_text(raw.get("description"), multiline=True)
    for name, label in (("company_name", "企业名称"), ("project_name", "项目名称"), ("contact_name", "联系人")):
        if not text.get(name):
            errors.append(f"缺少{label}")
        elif len(text[name]) > 100:
            errors.append(f"{label}超过 100 字")
    code = text.get("credit_code", "").upper()
    if problem := credit_code_error(code):
        errors.append(problem)
    phone = text.get("contact_phone", "").replace("-", "").replace(" ", "")
    if problem := mobile_error(phone):
        errors.append(f"联系电话：{problem}")
    location = resolve_location(text.get("location", ""))
    unit = location and AgencyBody.objects.filter(kind=AgencyBody.Kind.UNIT, region=location).first()
    if text.get("unit"):  # 承办机构 named: the county center, or a unit other than the place's
        unit = AgencyBody.objects.filter(name=text["unit"], kind__in=(AgencyBody.Kind.CENTER, AgencyBody.Kind.UNIT)).first()
        if unit is None:
            errors.append(f"承办机构“{text['unit']}”不是本县的代办机构")
    if location is None:
        errors.append(f"建设地点“{text.get('location', '')}”不是本县的乡镇或园区")
    elif unit is None and not text.get("unit"):
        errors.append(f"建设地点{location.name}没有对应的代办机构")
    investment = parse_decimal(text.get("investment_wan", "").replace(",", ""))
    if investment is None or investment < 0 or investment > MAX_INVESTMENT_WAN:
        errors.append(f"总投资（万元）“{text.get('investment_wan', '')}”不是有效金额")
    category = CATEGORY_WORDS.get(text.get("category", ""), Category.OTHER if not text.get("category") else None)
    if category is None:
        errors.append(f"项目类别“{text['category']}”不在类别表中")
    status = CASE_STATUS_WORDS.get(text.get("status", ""))
    if status is None:
        errors.append(f"状态“{text['status']}”无法识别（已受理、已委托、代办中、已办结、已终止）")
    dates = _dates(raw, ("received_on", "accepted_on", "closed_on", "entrusted_on", "filed_on"), today, errors)
    received, accepted, closed = dates["received_on"], dates["accepted_on"] or dates["received_on"], dates["closed_on"]
    if received is None and "登记日期" not in " ".join(errors):
        errors.append("缺少登记日期")
    if received and accepted and accepted < received:
        errors.append(f"受理日期{accepted}早于登记日期{received}")
    if status in CLOSED and closed is None:
        errors.append("已办结或已终止的项目须填写办结日期")
    if closed and accepted and closed < accepted:
        errors.append(f"办结日期{closed}早于受理日期{accepted}")
    if status not in CLOSED and closed:
        errors.append("填写了办结日期，但状态不是已办结或已终止")
    if dates["filed_on"] and (closed is None or dates["filed_on"] < closed):
        errors.append("归档日期须在办结日期之后")
    team = parse_team(text.get("team", ""), errors) if "team" in raw else None
    entry.values = dict(
        tracking_no=text.get("tracking_no", "").upper(), company_name=text.get("company_name", ""),
        credit_code=code, project_name=text.get("project_name", ""), project_code=text.get("project_code", ""),
        location=location, unit=unit, category=category, investment_wan=investment,
        industrial=text.get("industrial", "是") not in ("否", "非工业", "N", "n", "0"),
        legal_rep=text.get("legal_rep", ""), contact_name=text.get("contact_name", ""), contact_phone=phone,
        received_on=received, accepted_on=accepted, closed_on=closed, status=status,
        description=text.get("description", ""),
        # A column the ledger has is taken as it is (blank = none); a column it lacks gets the usual default.
        entrusted_on=dates["entrusted_on"] if "entrusted_on" in raw else accepted,
        filed_on=dates["filed_on"] if "filed_on" in raw else closed, team=team)
    if len(entry.values["tracking_no"]) > 20:
        errors.append("登记编号超过 20 位")
    return entry


def parse_team(text: str, errors: list[str]) -> list[tuple[User, str]]:
    """`代办员:aojiang；代办联络员:fgj` (export.team_text) -> [(user, team role)]; each problem to `errors`."""
    team = []
    for part in filter(None, (p.strip() for p in text.replace(";", "；").split("；"))):
        label, _, username = (p.strip() for p in part.replace("：", ":").partition(":"))
        role, user = TEAM_ROLE_WORDS.get(label), User.objects.filter(username=username, is_active=True).first()
        if role is None:
            errors.append(f"代办团队中的角色“{label}”无法识别（{'、'.join(TEAM_ROLE_WORDS)}）")
        elif user is None:
            errors.append(f"代办团队中的账号“{username}”不存在或已停用，请先导入人员名册")
        else:
            team.append((user, role))
    return team


def check_item(raw: dict, entry: LedgerEntry, *, today: dt.date) -> None:
    """Adds the 事项 sheet's row to its case's entry (or the entry's errors)."""
    name = norm(raw.get("item"))
    found = CatalogItem.objects.filter(code=name.upper()).first() or CatalogItem.objects.filter(name=name).first()
    errors = entry.errors
    if found is None:
        errors.append(f"事项“{name}”不在事项目录中")
        return
    status = ITEM_STATUS_WORDS.get(norm(raw.get("status")))
    if status is None:
        errors.append(f"事项{found.name}的状态“{norm(raw.get('status'))}”无法识别")
    dates = _dates(raw, ("started_on", "finished_on"), today, errors)
    started, finished = dates["started_on"], dates["finished_on"]
    if started and finished and finished < started:
        errors.append(f"事项{found.name}的办结日期{finished}早于受理日期{started}")
    if any(item.catalog_item == found for item in entry.items):
        errors.append(f"事项{found.name}重复")
    entry.items.append(ItemRow(found, status or ItemStatus.IN_PROGRESS, started, finished,
                               norm(raw.get("approval_no"))[:60]))
