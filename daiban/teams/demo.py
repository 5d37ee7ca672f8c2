"""The demo county's team ledger: work meetings, training sessions, a commendation and a talk.

Dates are counted back from today, so the ledger always looks current. Idempotent: a meeting whose
topic exists, or a record with the same person, kind and reason, is left as it is.
"""
from __future__ import annotations

import datetime as dt

from daiban.cases.models import Case
from daiban.lib import clock
from daiban.org.models import AgencyBody, User
from daiban.org.pingyang import CENTER_NAME, unit_name
from daiban.teams.models import ConductKind, ConductRecord, MeetingKind, TeamMeeting
from daiban.teams.services import Presence, conduct_record_add, meeting_record

# (kind, body, days ago, topic, content, location, host, recorder, [(username, present, reason)])
MEETINGS = [
    (MeetingKind.WORK_MEETING, CENTER_NAME, 40, "全县代办工作例会：通报代办项目进展",
     "通报全县在办代办项目的进展和预警情况；研究萧江镇平商回归项目用地边界问题的协调方案；"
     "部署下一阶段“最多跑一次”改革代办工作。", "县行政服务中心三楼会议室", "陈立群", "center",
     [("center", True, ""), ("zxagent", True, ""), ("kyadmin", True, ""), ("ajadmin", True, ""),
      ("aojiang", True, ""), ("kunyang", False, "上门服务企业，已请假"), ("xiaojiang", True, ""),
      ("shuitou", True, "")]),
    (MeetingKind.WORK_MEETING, unit_name("鳌江镇"), 20, "鳌江镇代办服务站周例会",
     "逐项过堂精密齿轮减速机项目代办任务分解计划表，明确施工图联审和消防设计审查的催办安排。",
     "鳌江镇行政服务中心", "黄丽华", "ajadmin",
     [("ajadmin", True, ""), ("aojiang", True, ""), ("chief", False, "参加县里重大项目推进会")]),
    (MeetingKind.TRAINING, CENTER_NAME, 60, "施工许可与“多测合一”改革业务培训",
     "县住房和城乡建设局、自然资源和规划局业务骨干讲解建筑工程施工许可证办理要点、施工图多图联审和竣工测验“多测合一”流程。",
     "县行政服务中心培训室", "徐东升（县住建局）", "center",
     [("zxagent", True, ""), ("aojiang", True, ""), ("kunyang", True, ""), ("shuitou", True, ""),
      ("xiaojiang", True, ""), ("wanquan", False, "病假"), ("binhai", True, "")]),
    (MeetingKind.SEMINAR, CENTER_NAME, 10, "代办任务分解计划表编制研讨",
     "交流各乡镇编制代办任务分解计划表的做法，统一环评、节能审查等并联事项的时限口径。",
     "县行政服务中心三楼会议室", "周敏", "center",
     [("zxagent", True, ""), ("kyadmin", True, ""), ("ajadmin", True, ""), ("aojiang", True, ""),
      ("kunyang", True, "")]),
]

# 学时 of the training sessions and seminars above (a work meeting has none).
HOURS = {"施工许可与“多测合一”改革业务培训": "3", "代办任务分解计划表编制研讨": "1.5"}

# (username, kind, days ago, reason, decided by, document number, demo case key)
RECORDS = [
    ("aojiang", ConductKind.PRAISE, 15,
     "代办年产20万台精密齿轮减速机项目，主动对接各审批部门，立项用地规划许可阶段各事项均提前办结，企业评价满意。",
     CENTER_NAME, "平代办〔2026〕3号", "demo-1"),
    ("wanquan", ConductKind.ADMONITION, 5,
     "网上代办申请超过 1 个工作日未与企业首次联系，经提醒后仍未及时处理。", CENTER_NAME, "", None),
]


def _person(username: str) -> User:
    return User.objects.select_related("body").get(username=username)


def load(password: str) -> None:
    today = clock.today()
    for kind, body_name, days, topic, content, location, host, recorder, people in MEETINGS:
        if TeamMeeting.objects.filter(topic=topic).exists():
            continue
        meeting_record(
            actor=_person(recorder), kind=kind, body=AgencyBody.objects.get(name=body_name),
            held_on=today - dt.timedelta(days=days), topic=topic, content=content, location=location, host=host,
            hours=HOURS.get(topic),
            attendance=[Presence(person=_person(u), present=present, reason=reason) for u, present, reason in people])
    center = _person("center")
    for username, conduct, days, reason, decided_by, doc_number, case_key in RECORDS:
        person = _person(username)
        if ConductRecord.objects.filter(person=person, kind=conduct, reason=reason).exists():
            continue
        case = Case.objects.filter(request__idempotency_key=case_key).first() if case_key else None
        conduct_record_add(actor=center, person=person, kind=conduct, reason=reason, decided_by=decided_by,
                           decided_on=today - dt.timedelta(days=days), doc_number=doc_number, case=case)
