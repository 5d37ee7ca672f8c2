from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema


class RequestIn(Schema):
    company_name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    contact_email: str = Field("", description="电子邮箱（选填）：没有业主账号的企业也通过邮件收到受理、进度等通知")
    project_name: str
    location: str
    category: str
    industrial: bool
    investment_wan: Decimal
    description: str = ""
    project_code: str = ""
    legal_rep: str = ""
    company_address: str = Field("", description="单位地址（最多 120 字），打印在登记表、协议等文书上；未提供的可在案件中补录")
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    coordination_needs: str = ""
    card_no: str = ""


class StaffRequestIn(RequestIn):
    source: str = "window"
    directory_entry_id: int | None = None


class SubmittedOut(Schema):
    tracking_no: str
    query_code: str


class RegisteredOut(Schema):
    id: int
    request_id: int
    tracking_no: str
    query_code: str
    status: str
    source: str


class StepOut(Schema):
    at: datetime
    text: str


class ProgressOut(Schema):
    tracking_no: str
    project_name: str
    company_name: str
    contact_name: str
    contact_phone: str
    unit: str
    status: str
    status_label: str
    steps: list[StepOut]


class RequestOut(Schema):
    id: int
    tracking_no: str
    status: str
    source: str
    unit: str
    company_name: str
    credit_code: str
    contact_name: str
    contact_phone: str
    contact_email: str
    project_name: str
    location: str
    category: str
    industrial: bool
    investment_wan: Decimal
    received_at: datetime
    deemed_day: date
    first_contact_due: date
    first_contact_at: datetime | None
    first_contact_overdue: bool
    card_no: str | None
    case_id: int | None
    reject_reason: str


class ContactIn(Schema):
    note: str


class AcceptIn(Schema):
    in_county: bool = True
    industrial_policy: bool = True
    voluntary: bool = True
    note: str = ""


class RejectIn(Schema):
    reason: str


class ConsultationIn(Schema):
    asker_name: str
    question: str
    answer: str
    asker_org: str = ""
    asker_phone: str = ""
    channel: str = "window"


class CardIn(Schema):
    company_name: str
    credit_code: str
    project_name: str
    kind: str = "full_service"


class CardOut(Schema):
    number: str
    kind: str
    company_name: str
    project_name: str
    issuer: str
    redeemed: bool


class DirectoryIn(Schema):
    category: str
    project_name: str
    company_name: str
    location: str
    investment_wan: Decimal
    industrial: bool = True
    credit_code: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    description: str = ""


class DirectoryOut(Schema):
    id: int
    category: str
    project_name: str
    company_name: str
    location: str
    investment_wan: Decimal
    status: str
    source_department: str
    request_count: int = Field(0, description="进入代办的申请数（按卡号或统一社会信用代码关联）")
    cards: list[str] = Field(default_factory=list, description="关联的代办联系卡卡号")


class RevealIn(Schema):
    subject: str
    id: int


class RevealedField(Schema):
    label: str
    value: str


class RevealOut(Schema):
    subject: str
    id: int
    fields: list[RevealedField]
