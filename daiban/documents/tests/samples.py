"""Demo-county data for the forms: the 鳌江镇 precision-gear plant (demo case 1) and its people."""
from __future__ import annotations

import struct
import zlib
from datetime import date, datetime
from decimal import Decimal

from daiban.documents import data as d

OWNER = d.Owner(name="平阳县某某精密传动有限公司", credit_code="91330326MA2L8K3P1F", legal_rep="陈立峰",
                contact_name="王建国", contact_phone="13857712345", address="平阳县鳌江镇机械工业园区兴港路18号")
PROJECT = d.Project(name="年产30万台精密齿轮减速机建设项目", code="2609-330326-04-01-123456",
                    location="鳌江镇（鳌江机械工业园区）", category="招商引资", industrial=True,
                    investment_wan=Decimal("12000.00"), land_area_mu=Decimal("45.60"),
                    floor_area_m2=Decimal("52800"),
                    description="新建标准厂房及配套用房，购置数控滚齿机、磨齿机等设备120台（套），"
                                "形成年产30万台精密齿轮减速机的生产能力")
AGENCY = d.Agency(unit="平阳县鳌江镇投资项目代办服务中心", agent="林晓燕", agent_phone="13967788021",
                  chief_agent="周振华", chief_agent_phone="13906776530", address="平阳县鳌江镇行政服务中心二楼")

L01 = d.Item("L01", "国有建设用地使用权出让合同签订", "自然资源和规划局", 5, owner_in_person=True)
L02 = d.Item("L02", "企业投资项目备案（赋码）", "发展和改革局", 1)
L04 = d.Item("L04", "不动产权证书（土地）", "自然资源和规划局（不动产登记中心）", 5, owner_in_person=True)
L05 = d.Item("L05", "环境影响评价审批（报告表）", "生态环境局", 10)
G02 = d.Item("G02", "建设工程规划许可证", "自然资源和规划局", 5)
S01 = d.Item("S01", "施工图设计文件审查（多图联审）", "住房和城乡建设局", 10)
S04 = d.Item("S04", "建筑工程施工许可证", "住房和城乡建设局", 7)
U01 = d.Item("U01", "电力接入（高压用户）", "供电公司", 38, owner_in_person=True)


def registration(**changes) -> d.RegistrationData:
    values = dict(serial="DJ2026-0012", registered_on=date(2026, 11, 20), channel="窗口登记", project=PROJECT,
                  owner=OWNER, card_number="PYZS-2026-0037", all_items=False, items=(L01, L02, L05),
                  coordination_needs="地块东侧规划道路尚未建成，需协调施工临时便道", received_by="林晓燕",
                  receiving_body=AGENCY.unit, received_on=date(2026, 11, 20))
    return d.RegistrationData(**{**values, **changes})


def agreement(**changes) -> d.AgreementData:
    values = dict(serial="XY2026-0012", owner=OWNER, agency=AGENCY, project=PROJECT, items=(L01, L02, L05, S04),
                  signed_on=date(2026, 11, 27))
    return d.AgreementData(**{**values, **changes})


def plan(**changes) -> d.PlanData:
    rows = (
        d.PlanRow("立项用地规划许可", L01, "郑海波 13805779011", (), date(2026, 11, 30), date(2026, 12, 7)),
        d.PlanRow("立项用地规划许可", L02, "黄丽 13705770023", (), date(2026, 11, 30), date(2026, 12, 1)),
        d.PlanRow("立项用地规划许可", L05, "吴敏 13605770108", ("L02",), date(2026, 12, 2), date(2026, 12, 16),
                  intermediary="环评编制机构"),
        d.PlanRow("工程建设许可", G02, "郑海波 13805779011", ("L01",), date(2026, 12, 17), date(2026, 12, 24)),
        d.PlanRow("施工许可", S01, "潘志强 13857701236", ("G02",), date(2026, 12, 25), date(2027, 1, 11),
                  intermediary="勘察、设计、图审机构"),
        d.PlanRow("施工许可", S04, "潘志强 13857701236", ("G02", "S01", "L05"), date(2027, 1, 12),
                  date(2027, 1, 21)),
    )
    values = dict(serial="JH2026-0012", project=PROJECT, owner=OWNER, agency=AGENCY, start_on=date(2026, 11, 30),
                  rows=rows, permit_on=date(2027, 1, 21), provisional_years=frozenset({2027}),
                  made_on=date(2026, 11, 27))
    return d.PlanData(**{**values, **changes})


def progress(**changes) -> d.ProgressData:
    values = dict(
        serial="FK2026-0012-01", project=PROJECT, owner=OWNER, agency=AGENCY,
        period_start=date(2026, 12, 1), period_end=date(2026, 12, 15),
        done=(d.ItemProgress(L02, approval_no="2609-330326-04-01-123456", done_on=date(2026, 12, 1), on_time=True),),
        in_progress=(d.ItemProgress(L05, due_on=date(2026, 12, 16), state="临近到期"),
                     d.ItemProgress(L01, due_on=date(2026, 12, 7), state="已超期")),
        next_steps=("12月16日前取得环评批复", "准备建设工程规划许可申请材料"),
        problems=("出让合同签订因土地款到账确认延迟，已协调自然资源和规划局加快办理",),
        owner_actions=("12月18日上午法定代表人到县行政服务中心签订出让合同",),
        reported_on=date(2026, 12, 15))
    return d.ProgressData(**{**values, **changes})


def completion(**changes) -> d.CompletionData:
    values = dict(
        serial="BJ2026-0012", project=PROJECT, owner=OWNER, agency=AGENCY, entrusted_on=date(2026, 11, 27),
        completed_on=date(2027, 1, 21), workdays_used=37,
        items=(d.ItemProgress(L02, approval_no="2609-330326-04-01-123456", done_on=date(2026, 12, 1), on_time=True),
               d.ItemProgress(S04, approval_no="330326202701210101", done_on=date(2027, 1, 21), on_time=True)),
        handover=(d.Handover("建筑工程施工许可证", 1, True), d.Handover("环境影响评价批复文件", 2, False)),
        opinion="资料齐全，同意办结", archive_due_on=date(2027, 1, 25))
    return d.CompletionData(**{**values, **changes})


def termination(**changes) -> d.TerminationData:
    values = dict(
        serial="ZZ2026-0015", project=PROJECT, owner=OWNER, agency=AGENCY, entrusted_on=date(2026, 11, 27),
        terminated_on=date(2026, 12, 22), reason="业主申请", reason_detail="投资方变更，业主书面申请终止代办",
        done=(d.ItemProgress(L02, approval_no="2609-330326-04-01-123456", done_on=date(2026, 12, 1), on_time=True),),
        not_done=(d.ItemProgress(G02, due_on=date(2026, 12, 24), state="办理中"),),
        returned=(d.Handover("营业执照（副本）", 1, False), d.Handover("建设工程设计方案文本", 2, True)),
        opinion="同意终止", archive_due_on=date(2026, 12, 24))
    return d.TerminationData(**{**values, **changes})


FINGERPRINT = "3f7a9c2e5b1d4e8f0a6c3b9d2e7f1a5c8b4d0e6f2a9c7b3d5e1f8a0c6b2d4e9f"


def meeting(**changes) -> d.MeetingData:
    values = dict(
        serial="HY2026-0003", held_at=datetime(2026, 11, 27, 9, 30), place="鳌江镇行政服务中心三楼会议室",
        convener="平阳县鳌江镇投资项目代办服务中心", chair="周振华", recorder="林晓燕", project=PROJECT, owner=OWNER,
        attendees=(d.Attendee("平阳县自然资源和规划局", "郑海波", "窗口负责人", datetime(2026, 11, 27, 10, 32)),
                   d.Attendee("平阳县住房和城乡建设局", "潘志强", "副科长"),
                   d.Attendee("平阳县某某精密传动有限公司", "王建国", "项目负责人", datetime(2026, 11, 27, 10, 40))),
        issues=("地块东侧边界与相邻地块存在争议，影响建设工程规划许可申报",),
        resolutions=(d.Resolution("自然资源和规划局组织现场复测，出具界址确认意见", "平阳县自然资源和规划局",
                                  date(2026, 12, 4)),
                     d.Resolution("复测结果确认后五个工作日内受理规划许可申请", "平阳县自然资源和规划局",
                                  date(2026, 12, 11))),
        fingerprint=FINGERPRINT, note="会后由代办员跟踪落实，每周反馈一次")
    return d.MeetingData(**{**values, **changes})


def evaluation(**changes) -> d.EvaluationData:
    values = dict(
        serial="PJ2027-0002", project=PROJECT, owner=OWNER, agency=AGENCY, attitude=5, efficiency=5, quality=4,
        overall=5, comments="代办员主动上门，材料一次讲清", fee_asked=False, visitor="县投资项目代办服务中心 陈静",
        visited_on=date(2027, 1, 28), channel="电话回访", rater="林晓燕",
        department_ratings=(d.DepartmentRating("发展和改革局", "黄丽", 5, 5, 5, 5),
                            d.DepartmentRating("住房和城乡建设局", "潘志强", 5, 4, 4, 4, "图审意见可更集中", grade="满意")))
    return d.EvaluationData(**{**values, **changes})


def png(width: int = 400, height: int = 200, rgb: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    """A plain one-colour PNG, made without an imaging library."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
