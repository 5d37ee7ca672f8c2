"""Checking a request's fields: every problem is reported at once, field by field, in Chinese."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from daiban.intake.models import Category
from daiban.lib.errors import ValidationFailed
from daiban.lib.validators import credit_code_error, email_error, mobile_error, project_code_error
from daiban.org.models import Region

MAX_INVESTMENT_WAN = Decimal("5000000")  # 500亿元: above this a figure is a typo (元 for 万元)
PROJECT_LEVELS = (Region.Level.TOWN, Region.Level.TOWNSHIP, Region.Level.PARK)


@dataclass
class RequestData:
    company_name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    project_name: str
    location: str
    category: str
    industrial: bool | None  # None: not chosen (reported by validate)
    investment_wan: Decimal | float | int | str
    description: str = ""
    project_code: str = ""
    legal_rep: str = ""
    company_address: str = ""
    land_area_mu: Decimal | int | None = None
    floor_area_m2: Decimal | int | None = None
    coordination_needs: str = ""
    card_no: str = ""
    directory_entry_id: int | None = None
    contact_email: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class CleanRequest:
    data: RequestData
    credit_code: str
    location: Region
    investment_wan: Decimal


MAX_ADDRESS = 120


def company_address_error(address: str, *, required: bool) -> str | None:
    """The one check of a company's address, on every request channel and when staff enter it for a case."""
    if not address:
        return "请填写单位地址" if required else None
    if len(address) > MAX_ADDRESS:
        return f"单位地址过长（最多 {MAX_ADDRESS} 字）"
    return None


def resolve_location(value: str) -> Region | None:
    """A township or park of the county, by name ('鳌江镇', '鳌江园区') or code ('330326101')."""
    value = (value or "").strip()
    if not value:
        return None
    return (Region.objects.filter(level__in=PROJECT_LEVELS)
            .filter(Q(code=value) | Q(name=value) | Q(name=f"{value}镇")).first())


def parse_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def clean_request(data: RequestData) -> CleanRequest:
    errors: dict[str, str] = {}
    required = {"company_name": "单位名称", "contact_name": "联系人", "project_name": "项目名称"}
    for name, label in required.items():
        value = (getattr(data, name) or "").strip()
        setattr(data, name, value)
        if not value:
            errors[name] = f"请填写{label}"
        elif len(value) > 100:
            errors[name] = f"{label}过长（最多 100 字）"
    credit_code = (data.credit_code or "").strip().upper()
    if message := credit_code_error(credit_code):
        errors["credit_code"] = message
    data.contact_phone = (data.contact_phone or "").strip()
    if message := mobile_error(data.contact_phone):
        errors["contact_phone"] = message
    data.contact_email = (data.contact_email or "").strip()
    if data.contact_email and (message := email_error(data.contact_email)):
        errors["contact_email"] = message
    location = resolve_location(data.location)
    if location is None:
        errors["location"] = "建设地点应为平阳县的乡镇或园区（如“鳌江镇”“水头园区”）"
    if not data.category:
        errors["category"] = "请选择项目类别"
    elif data.category not in Category.values:
        errors["category"] = "项目类别不正确"
    if not isinstance(data.industrial, bool):
        errors["industrial"] = "请选择是否工业项目"
    investment = parse_decimal(data.investment_wan)
    if investment is None:
        errors["investment_wan"] = "总投资应为数字（单位：万元）"
    elif investment <= 0:
        errors["investment_wan"] = "总投资应大于 0 万元"
    elif investment > MAX_INVESTMENT_WAN:
        errors["investment_wan"] = "总投资超过 500 亿元，请核对单位是否为万元"
    data.project_code = (data.project_code or "").strip()
    if data.project_code and (message := project_code_error(data.project_code)):
        errors["project_code"] = message
    for name, label in (("land_area_mu", "用地面积"), ("floor_area_m2", "建筑面积")):
        raw = getattr(data, name)
        if raw not in (None, ""):
            number = parse_decimal(raw)
            if number is None or number < 0:
                errors[name] = f"{label}应为不小于 0 的数字"
            setattr(data, name, number)
        else:
            setattr(data, name, None)
    data.company_address = " ".join((data.company_address or "").split())
    if message := company_address_error(data.company_address, required=False):
        errors["company_address"] = message
    if len(data.description or "") > 2000:
        errors["description"] = "建设内容过长（最多 2000 字）"
    if errors or location is None or investment is None:  # either None means errors says why
        raise ValidationFailed(errors)
    return CleanRequest(data=data, credit_code=credit_code, location=location, investment_wan=investment)
