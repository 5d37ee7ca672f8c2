"""Plain data for the official forms. Callers map their models to these; every string is printed as given
(labels such as 项目类别 or 阶段 arrive already in Chinese), dates are ``datetime.date``."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

# The five ways a request comes in (the intake app's Source labels), in the order the form prints them.
CHANNELS = ("网上申请", "窗口登记", "电话登记", "上级交办", "部门协调")
TERMINATION_REASONS = ("业主申请", "项目自身原因")
VISIT_CHANNELS = ("电话回访", "上门回访", "网上评价")


@dataclass(frozen=True)
class Owner:
    """项目业主."""
    name: str
    credit_code: str = ""
    legal_rep: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Project:
    name: str
    code: str = ""  # 项目代码, blank until the provincial platform issues it
    location: str = ""  # 建设地点（乡镇/园区）
    category: str = ""  # 项目类别 label
    industrial: bool | None = None
    investment_wan: Decimal | None = None
    land_area_mu: Decimal | None = None
    floor_area_m2: Decimal | None = None
    description: str = ""  # 建设内容及规模


@dataclass(frozen=True)
class Agency:
    """受托方: the agency unit and the people doing the work."""
    unit: str
    agent: str
    agent_phone: str = ""
    chief_agent: str = ""
    chief_agent_phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Item:
    """One agency item as the forms name it."""
    code: str
    name: str
    department: str = ""
    limit_workdays: int | None = None
    owner_in_person: bool = False


@dataclass(frozen=True)
class ItemProgress:
    """Where an item stands: done (approval number, date, on time) or open (due date, warning state)."""
    item: Item
    approval_no: str = ""  # 批准文号/证照编号
    done_on: date | None = None
    due_on: date | None = None
    state: str = ""  # 状态/预警, e.g. 正常、临近到期、已超期、暂停计时
    on_time: bool | None = None


@dataclass(frozen=True)
class Handover:
    """A document handed to or returned to the owner."""
    document: str
    copies: int = 1
    original: bool = True


@dataclass(frozen=True, kw_only=True)
class CaseForm:
    """What every form of an accepted case carries at its head. The forms take keyword arguments only."""
    serial: str  # 编号, the same for every version of the form
    project: Project
    owner: Owner
    agency: Agency
    version: int = 1  # 版次: the form is issued again under its serial when its data change


@dataclass(frozen=True, kw_only=True)
class RegistrationData:
    serial: str
    registered_on: date
    channel: str  # one of CHANNELS
    project: Project
    owner: Owner
    version: int = 1
    card_number: str = ""  # 代办联系卡卡号; blank when the owner holds none
    all_items: bool | None = None  # 全程代办, 部分代办 (the listed items), None: not chosen yet (before the agreement)
    items: Sequence[Item] = ()
    coordination_needs: str = ""
    received_by: str = ""
    receiving_body: str = ""
    received_on: date | None = None

    def __post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise ValueError(f"受理渠道应为 {'、'.join(CHANNELS)} 之一：{self.channel}")


@dataclass(frozen=True, kw_only=True)
class AgreementData(CaseForm):
    items: Sequence[Item]
    all_items: bool = False  # 全程代办 or 部分代办 in the wording; the table lists the items either way
    signed_on: date | None = None  # blank date lines when None (the paper is signed by hand)
    county_center: str = "平阳县投资项目代办服务中心"


@dataclass(frozen=True)
class PlanRow:
    stage: str  # 阶段 label; rows of one stage are consecutive
    item: Item
    liaison: str = ""  # 代办联络员及电话
    prerequisites: Sequence[str] = ()  # codes of the 前置事项
    start_on: date | None = None
    due_on: date | None = None
    intermediary: str = ""  # the intermediary service needed, blank when none
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class PlanData(CaseForm):
    start_on: date
    rows: Sequence[PlanRow]
    permit_on: date | None = None  # 预计取得施工许可日期
    target_days: int = 100  # the provincial target from plan start to the construction permit
    target_length: int | None = None  # the plan's length in the target's unit (None: counted here in days)
    target_unit: str = "天"  # the target's unit as stated on the page and in the API (个工作日 / 个自然日)
    provisional_years: frozenset[int] = frozenset()  # years whose holiday schedule is not yet published
    flowchart_png: bytes | None = None
    gantt_png: bytes | None = None
    made_on: date | None = None
    expected: str = ""  # the permit date the county's practice predicts (issue 16), blank when not given


@dataclass(frozen=True, kw_only=True)
class ProgressData(CaseForm):
    period_start: date
    period_end: date
    done: Sequence[ItemProgress] = ()
    in_progress: Sequence[ItemProgress] = ()
    next_steps: Sequence[str] = ()
    problems: Sequence[str] = ()  # problems and the coordination under way
    owner_actions: Sequence[str] = ()  # what the owner needs to do
    reported_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class ClosingForm(CaseForm):
    """What the completion and the termination form share: the entrustment date, the agency unit's opinion and
    the archive date, due 2 working days after the case closes (the caller computes it on its calendar)."""
    entrusted_on: date
    opinion: str = ""  # 代办机构（审核）意见
    archive_due_on: date | None = None
    archived_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class CompletionData(ClosingForm):
    completed_on: date
    workdays_used: int
    items: Sequence[ItemProgress]
    handover: Sequence[Handover] = ()  # 移交资料清单


@dataclass(frozen=True, kw_only=True)
class TerminationData(ClosingForm):
    terminated_on: date
    reason: str  # one of TERMINATION_REASONS
    reason_detail: str = ""
    done: Sequence[ItemProgress] = ()
    not_done: Sequence[ItemProgress] = ()
    returned: Sequence[Handover] = ()  # 退还资料清单

    def __post_init__(self) -> None:
        if self.reason not in TERMINATION_REASONS:
            raise ValueError(f"终止原因应为 {'、'.join(TERMINATION_REASONS)} 之一：{self.reason}")


@dataclass(frozen=True)
class Attendee:
    unit: str
    name: str
    title: str = ""  # 职务
    signed_at: datetime | None = None


@dataclass(frozen=True)
class Resolution:
    content: str
    responsible: str  # 责任单位
    due_on: date | None = None


@dataclass(frozen=True, kw_only=True)
class MeetingData:
    serial: str
    held_at: datetime
    place: str
    convener: str  # 召集单位
    chair: str
    recorder: str
    project: Project
    owner: Owner
    attendees: Sequence[Attendee]
    issues: Sequence[str]
    resolutions: Sequence[Resolution]
    fingerprint: str  # SHA-256 of the record's content, as computed and stored by the caller
    note: str = ""
    version: int = 1  # the record's version (a change of the record voids the signatures of the one before)


@dataclass(frozen=True)
class DepartmentRating:
    """The agent's rating of one approval department and its liaison officer."""
    department: str
    liaison: str
    attitude: int | None
    efficiency: int | None
    quality: int | None
    overall: int | None
    comment: str = ""
    grade: str = ""  # 好差评 grade, in words (非常满意 … 非常不满意)

    def __post_init__(self) -> None:
        _check_scores(self.attitude, self.efficiency, self.quality, self.overall)


@dataclass(frozen=True, kw_only=True)
class EvaluationData(CaseForm):
    attitude: int | None = None  # the scores are optional detail under the grade
    efficiency: int | None = None
    quality: int | None = None
    overall: int | None = None
    grade: str = ""  # 好差评 grade, in words (非常满意 … 非常不满意)
    comments: str = ""
    fee_asked: bool = False  # 代办过程中是否有人索取费用或礼品
    fee_details: str = ""
    visitor: str = ""
    visited_on: date | None = None
    channel: str = VISIT_CHANNELS[0]
    rater: str = ""  # the agent who rated the departments
    department_ratings: Sequence[DepartmentRating] = ()

    def __post_init__(self) -> None:
        _check_scores(self.attitude, self.efficiency, self.quality, self.overall)
        if self.channel not in VISIT_CHANNELS:
            raise ValueError(f"回访方式应为 {'、'.join(VISIT_CHANNELS)} 之一：{self.channel}")


GRADE_WORDS = ("非常满意", "满意", "基本满意", "不满意", "非常不满意")


def _check_scores(*scores: int | None) -> None:
    if any(score is not None and not 1 <= score <= 5 for score in scores):
        raise ValueError("评分应为 1 至 5 分")
