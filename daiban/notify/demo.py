"""The demo county shows one notification of every rule (rules.py), about 鳌江镇's demo case (demo-1, owner1),
so that each person's message page and the API show what each state looks like. Idempotent: a rule already shown is skipped.

notify may not import the apps the messages are about (layers, docs/architecture.md): the demo step above them
(daiban/desk/demo.py) gives each event's link, the page of the case, request, issue or meeting it is about.
"""
from __future__ import annotations

from collections.abc import Mapping

from daiban.lib import clock
from daiban.notify.models import Notification
from daiban.notify.rules import RULES, To
from daiban.notify.services import notify_event
from daiban.org.models import AgencyBody, User

# Words a real case would give each value the texts name.
SAMPLE = {
    "agenda": "协调项目用地红线调整", "agent": "王建国", "answer": "已同意调整，三个工作日内出具意见",
    "at": "2026年12月10日 09:30", "comments": "材料反复退回，进度慢", "company": "平阳县鳌江精工传动有限公司",
    "convener": "县投资项目代办服务中心", "count": 6, "days": 30, "department": "温州市生态环境局",
    "details": "情况：代办过程中有人暗示需要“辛苦费”。", "done": "2026-12-01", "due": "2026-12-08",
    "elapsed": 21, "handler": "县自然资源和规划局", "item": "环境影响评价审批（报告表）",
    "kind": "催办", "concerned": "鳌江镇代办服务站", "grade": "不满意", "contact_rule": "受理后1个工作日内",
    "late": "", "left": 1, "limit": 10, "note": "请加快审查进度", "overall": 2,
    "paused": 5, "period": "11.16—11.30", "place": "县行政服务中心三楼会议室", "project": "年产20万台精密齿轮减速机项目",
    "query_code": "482913", "reason": "环境影响报告表需补充噪声监测数据", "reported": "2026-12-02",
    "rule": "补正期间暂停计时，材料补齐之日起继续计算", "source": "网上申请", "start": "2026年11月02日",
    "state": "预警", "steps": "可以派单的事项：建设工程规划许可", "summary": "本期办结2项，办理中3项。各事项按计划推进。",
    "title": "项目用地红线与规划不一致", "version": 2, "tracking_no": "DB202611020001", "unit": "鳌江镇代办服务站",
    "what": "联席会议议定事项1“出具规划条件”（县自然资源和规划局）", "who": "朱永明",
    "channel": "电话回访", "decision": "申诉不成立", "feedback": "已出具用地预审意见", "filed": "2026-12-03",
    "finding": "情况属实", "form": "代办项目办结单", "from_body": "鳌江镇代办服务站", "government": "平阳县人民政府",
    "items": "建设工程规划许可、施工许可", "next": "请于2026年12月15日前完成整改。", "on": "2026年12月09日", "p80": 12,
    "question": "项目用地与相邻地块权属争议需县政府协调", "recorded": "2026-12-07",
    "resolution": "由县自然资源和规划局牵头完成界址确认", "status": "整改中", "subject": "协调温州市生态环境局审批环评",
    "to_body": "县投资项目代办服务中心",
}


def load(*, links: Mapping[str, str]) -> None:
    """`links` maps every event of RULES to the path of the page its example is about (as real messages store it;
    the API and e-mail make it absolute with DAIBAN_PUBLIC_URL)."""
    missing = set(RULES) - set(links)
    if missing:
        raise ValueError(f"no demo link for {sorted(missing)}")
    unit = AgencyBody.objects.filter(region__name="鳌江镇", kind=AgencyBody.Kind.UNIT).first()
    people = {To.LIAISON: ["sthj"], To.AGENT: ["aojiang"], To.CHIEF_AGENT: ["chief"],
              To.SUPERVISOR: ["ajleader"], To.HANDLER: ["zrj"], To.LEADER: ["leader"], To.OWNER: ["owner1"]}
    found = {key: list(User.objects.filter(username__in=names)) for key, names in people.items()}
    shown = set(Notification.objects.filter(dedupe_key__contains=":demo:").values_list("event", flat=True))
    made = []
    for event in RULES:
        if event not in shown:
            made += notify_event(event, values=SAMPLE, link=links[event], people=found, unit=unit,
                                 dedupe_key="demo")
    # Examples, not work: they wait on the message page as read, and nothing is sent by e-mail or SMS.
    Notification.objects.filter(pk__in=[n.pk for n in made], channel=Notification.Channel.IN_APP).update(
        status=Notification.Status.READ, read_at=clock.now())
    Notification.objects.filter(pk__in=[n.pk for n in made]).exclude(channel=Notification.Channel.IN_APP).delete()
