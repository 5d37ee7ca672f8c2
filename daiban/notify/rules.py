"""The notification rule table: for every event and deadline state, who is told, on which channels, in which words.

One row per event (`RULES`); the services and background duties call `notify_event(event, ...)` (services.py)
with the case's people and the values the texts name. docs/notifications.md prints this table.

Who (`To`): the case's own people (liaison officer, agent, chief agent, supervisor, owner) are passed by the
caller, who knows the case; the rest (unit administrators, the county center, leaders, inspectors) are found
here from the organisation. A unit-bound audience that finds nobody (a 代办点 without active staff, such as
海西镇 in the demo) falls back to the center's administrators, so no event reaches nobody.

The owner is told in the app and by e-mail/SMS on its account when the company has one; otherwise at the
request's contact phone (SMS) and e-mail (`Contact`).
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from enum import StrEnum


class To(StrEnum):
    LIAISON = "liaison", "代办联络员"
    AGENT = "agent", "代办员"
    CHIEF_AGENT = "chief_agent", "首席代办员"
    SUPERVISOR = "supervisor", "督办负责人"
    UNIT_STAFF = "unit_staff", "承办机构代办人员"
    UNIT_ADMIN = "unit_admin", "代办机构管理员"
    CENTER = "center", "县代办中心"
    LEADER = "leader", "领导"
    INSPECTOR = "inspector", "纪检监察员"
    HANDLER = "handler", "承办责任人"
    OWNER = "owner", "项目业主"

    label: str  # the audience's name in Chinese, set below (not a member)

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


# Audiences tied to one agency body: when they find nobody, the center is told instead.
UNIT_BOUND = frozenset({To.UNIT_STAFF, To.UNIT_ADMIN, To.AGENT, To.CHIEF_AGENT, To.LIAISON, To.HANDLER})

# Channels. Each is used only where the person has an address for it; SMS only once the gateway is set up.
# An owner without an account is reached by e-mail and SMS only (no app to read in).
DEFAULT = ("in_app", "email")
URGENT = ("in_app", "email", "sms")


@dataclass(frozen=True)
class Rule:
    event: str
    state: str  # the Chinese name of the state, as the table in the docs shows it
    to: tuple[To, ...]
    subject: str
    body: str
    channels: tuple[str, ...] = DEFAULT
    sent_by: str = ""  # the service or duty that sends it; "" = a hook for a caller still to come

    @property
    def needs(self) -> set[str]:
        """The values the texts name."""
        return {name for text in (self.subject, self.body) for _, name, _, _ in string.Formatter().parse(text)
                if name}

    def render(self, values: dict) -> tuple[str, str]:
        return tidy(self.subject.format_map(values)), tidy(self.body.format_map(values))


def tidy(text: str) -> str:
    """Joining a reason that ends with its own full stop must not give "。。"; nor a label starting with the word
    the sentence already has ("业主业主申请")."""
    for doubled, single in (("。。", "。"), ("，。", "。"), ("；。", "。"), ("：。", "。"), ("业主业主", "业主")):
        while doubled in text:
            text = text.replace(doubled, single)
    return text.strip()


def _rules(*rows: Rule) -> dict[str, Rule]:
    table = {}
    for row in rows:
        if row.event in table:
            raise ValueError(f"notification rule {row.event} defined twice")
        table[row.event] = row
    return table


RULES: dict[str, Rule] = _rules(
    # -- intake ------------------------------------------------------------------------------------------
    Rule("request.received", "收到代办申请", (To.UNIT_STAFF,), "新的代办申请：{project}",
         "{company}（{source}），请于{due}前与企业首次联系（{contact_rule}）。",
         sent_by="intake.services.request_submit/register"),
    Rule("request.received_owner", "申请已收到（告知业主）", (To.OWNER,), "代办申请已收到：{project}",
         "您的代办申请已由{unit}承办，登记编号{tracking_no}，查询码{query_code}。代办员将于{due}前与您联系。",
         channels=URGENT, sent_by="intake.services.request_submit/register"),
    Rule("request.unassigned", "申请无人承办", (To.CENTER,), "代办申请无人承办：{project}",
         "{unit}没有在岗的代办人员，{company}的申请（登记编号{tracking_no}）请县代办中心指派承办。",
         channels=URGENT, sent_by="intake.services.request_submit/register"),
    Rule("request.first_contact_overdue", "首次联系逾期", (To.UNIT_STAFF, To.UNIT_ADMIN),
         "首次联系已逾期：{project}", "{company}的代办申请应于{due}前首次联系，至今未联系，请立即联系企业。",
         channels=URGENT, sent_by="intake.duties.alert_first_contact"),
    Rule("request.accepted", "申请已受理", (To.OWNER,), "代办申请已受理：{project}",
         "{unit}已受理您的代办申请，请与代办员签订委托代办协议。", channels=URGENT,
         sent_by="cases.services.request_accept"),
    Rule("request.refused", "不予受理", (To.OWNER,), "代办申请不予受理：{project}", "不予受理的理由：{reason}。",
         channels=URGENT, sent_by="intake.services.request_reject"),
    # -- plan and items ------------------------------------------------------------------------------------
    Rule("case.plan_made", "代办计划已制定", (To.OWNER, To.AGENT), "代办计划已制定：{project}",
         "共{count}个事项，计划于{start}开始办理。请按计划准备材料。", sent_by="plans.services.plan_generate"),
    Rule("item.dispatched", "派单", (To.LIAISON,), "派单：{item}",
         "{project}的“{item}”已派至您处，计划{due}前办结。", sent_by="plans.services.item_dispatch"),
    Rule("item.warning", "预警", (To.LIAISON, To.AGENT), "事项预警：{item}",
         "{project}的“{item}”办理期限为{due}，还剩{left}个工作日，请抓紧办理。",
         sent_by="plans.duties.escalate_overdue"),
    Rule("item.overdue", "逾期（一级：代办机构）", (To.LIAISON, To.AGENT, To.UNIT_ADMIN), "逾期：{item}",
         "{project}的“{item}”已逾期（期限{due}，已用{elapsed}个工作日，承诺{limit}个工作日），请督办。",
         channels=URGENT, sent_by="plans.duties.escalate_overdue"),
    Rule("item.overdue_center", "逾期（二级：县代办中心）", (To.CENTER, To.CHIEF_AGENT, To.SUPERVISOR),
         "逾期升级：{item}",
         "{project}的“{item}”已超过承诺时限一倍（期限{due}，已用{elapsed}个工作日，承诺{limit}个工作日），请督办。",
         channels=URGENT, sent_by="plans.duties.escalate_overdue"),
    Rule("item.paused", "暂停计时", (To.AGENT, To.OWNER), "暂停计时：{item}", "{kind}：{reason}。{rule}",
         sent_by="plans.services.item_pause"),
    Rule("item.resumed", "恢复计时", (To.AGENT, To.LIAISON), "恢复计时：{item}",
         "{project}的“{item}”已恢复计时，暂停{paused}个工作日不计入期限，新的办理期限为{due}。",
         sent_by="plans.services.item_resume"),
    Rule("item.refused", "不予许可", (To.AGENT, To.CHIEF_AGENT, To.OWNER), "不予许可：{item}",
         "{project}的“{item}”审批部门作出不予许可决定，理由：{reason}。代办员将与您商议后续办理。",
         channels=URGENT, sent_by="plans.services.item_finish"),
    Rule("item.withdrawn", "事项撤回", (To.AGENT, To.CHIEF_AGENT, To.LIAISON, To.OWNER), "事项撤回：{item}",
         "{project}的“{item}”已撤回，理由：{reason}。", channels=URGENT, sent_by="plans.services.item_withdraw"),
    Rule("item.local_done", "本级办结", (To.AGENT, To.LIAISON), "本级办结：{item}",
         "{project}的“{item}”本级办理已于{done}完成，应于{due}前报送{department}。",
         sent_by="plans.services.item_local_done"),
    Rule("item.report_up_due", "上报到期（预警）", (To.LIAISON,), "上报预警：{item}",
         "{project}的“{item}”本级已于{done}办结，应于{due}前报送{department}，今天是上报期限。",
         sent_by="plans.duties.watch_reports_up"),
    Rule("item.report_up_late", "上报逾期", (To.LIAISON, To.AGENT, To.CHIEF_AGENT, To.UNIT_ADMIN), "上报逾期：{item}",
         "{project}的“{item}”本级已于{done}办结，应于{due}前报送{department}，已超过上报期限，请立即上报。",
         channels=URGENT, sent_by="plans.duties.watch_reports_up"),
    Rule("item.reported_up", "已上报", (To.AGENT,), "已上报：{item}",
         "本级办理于{done}完成，已于{reported}报送{department}{late}。", sent_by="plans.services.item_report_up"),
    Rule("item.urged", "催办 / 督办", (To.LIAISON,), "{kind}：{item}", "{project}：{note}",
         sent_by="plans.services.item_urge"),
    Rule("item.next_step", "事项办结，推送下一步", (To.AGENT, To.CHIEF_AGENT, To.OWNER), "{item}已办结，下一步",
         "{steps}",
         sent_by="plans.push.push_after_finish"),
    Rule("item.beyond_practice", "用时超出常规", (To.AGENT,), "用时超出常规：{item}",
         "{project}的“{item}”已用{elapsed}个工作日，超过本部门同类事项80%办件的用时（{p80}个工作日），"
         "尚未到法定期限，请提前催办。", sent_by="plans.duties.warn_beyond_practice"),
    # -- coordination ---------------------------------------------------------------------------------------
    Rule("issue.raised", "协调问题提出", (To.HANDLER,), "协调问题：{title}",
         "{project}：{summary}。请于{due}前答复代办员{agent}。", sent_by="coordination.services.issues.issue_raise"),
    Rule("issue.escalated", "协调问题升级", (To.HANDLER,), "协调问题升级至您处：{title}",
         "{project}：{reason}。请于{due}前组织协调并答复。", channels=URGENT,
         sent_by="coordination.services.issues.issue_escalate"),
    Rule("issue.answered", "协调答复", (To.AGENT,), "协调答复：{title}", "{who}（{handler}）答复：{answer}",
         sent_by="coordination.services.issues.issue_respond"),
    Rule("issue.resolution_proposed", "协调结果待确认", (To.AGENT,), "请确认协调结果：{title}",
         "{source}：{resolution}。请代办员确认问题是否已解决。",
         sent_by="coordination.services.issues.propose_resolution"),
    Rule("issue.confirmed", "协调问题已解决", (To.HANDLER,), "问题已确认解决：{title}", "代办员已确认问题解决。{note}",
         sent_by="coordination.services.issues.issue_confirm"),
    Rule("issue.reopened", "解决方案被退回", (To.HANDLER,), "解决方案被退回：{title}", "退回理由：{note}",
         sent_by="coordination.services.issues.issue_confirm"),
    Rule("issue.consultation", "疑难会商（同级政府领导）", (To.LEADER,), "疑难会商：{title}",
         "{project}：{question}。请{government}领导主持疑难会商并作出决定。", channels=URGENT,
         sent_by="coordination.services.issues.issue_consult"),
    Rule("linked.sent", "联动代办请求", (To.HANDLER,), "联动代办请求：{project}",
         "{from_body}请求协同办理：{subject}。请于{due}前反馈。", sent_by="coordination.services.common.send_linked"),
    Rule("linked.accepted", "联动代办已接收", (To.HANDLER,), "联动代办已接收：{project}",
         "{to_body}{who}已接收联动代办请求。", sent_by="coordination.services.linked.linked_request_accept"),
    Rule("linked.answered", "联动代办反馈", (To.HANDLER,), "联动代办反馈{late}：{project}", "{to_body}反馈：{feedback}",
         sent_by="coordination.services.linked.linked_request_feedback"),
    Rule("meeting.called", "联席会议通知", (To.HANDLER,), "联席会议通知：{title}",
         "定于{at}在{place}召开，议程：{agenda}。召集单位：{convener}。", channels=URGENT,
         sent_by="coordination.services.meetings.meeting_convene"),
    Rule("meeting.record_to_sign", "会议记录待签名", (To.HANDLER,), "请签名确认会议记录：{title}",
         "第{version}版会议记录已填写，请出席的部门负责人登录后签名确认。",
         sent_by="coordination.services.meetings.meeting_record_save"),
    Rule("meeting.signature_voided", "签名作废", (To.HANDLER,), "会议记录已修改，请重新签名：{title}",
         "{reason}。请重新阅读会议记录并签名确认。", sent_by="coordination.services.meetings.meeting_record_save"),
    Rule("meeting.all_signed", "会议记录已全部签名", (To.HANDLER,), "会议记录已全部签名：{title}",
         "出席的部门负责人均已签名确认第{version}版会议记录。", sent_by="coordination.services.meetings.meeting_sign"),
    Rule("resolution.done", "议定事项已落实", (To.HANDLER, To.AGENT), "议定事项已落实：{what}",
         "{department}：{note}{late}", sent_by="coordination.services.meetings.resolution_done"),
    Rule("coordination.deadline", "协调答复、联动反馈、议定事项到期（预警 / 逾期）", (To.HANDLER,),
         "{state}：{what}", "{project}：{what}期限为{due}，{left}。", sent_by="coordination.duties.alert_deadlines"),
    # -- owners and closure ---------------------------------------------------------------------------------
    Rule("case.progress_report", "半月进度反馈", (To.OWNER,), "代办进度反馈（{period}）", "{summary}",
         sent_by="plans.duties.send_progress_reports"),
    Rule("case.completed", "代办办结", (To.OWNER, To.AGENT), "代办项目已办结：{project}",
         "委托代办事项已全部办结。请核对并签收移交资料清单，并对代办服务作出评价。",
         sent_by="closure.services.case_complete"),
    Rule("case.terminated", "委托代办终止", (To.AGENT, To.UNIT_ADMIN, To.OWNER), "委托代办已终止：{project}",
         "终止原因：{reason}。请办理资料退还，{form}应于{due}前归档。", channels=URGENT,
         sent_by="closure.services.case_terminate"),
    Rule("case.terminated_items", "终止时撤回的事项", (To.LIAISON,), "事项撤回：{project}",
         "因{reason}终止委托代办，以下事项不再代办：{items}。", sent_by="closure.services.case_terminate"),
    Rule("case.filing_due", "归档到期", (To.AGENT, To.UNIT_ADMIN), "请按时归档：{project}",
         "{project}的{form}应于{due}前归档。", sent_by="closure.duties.watch_filings"),
    Rule("case.filing_late", "归档逾期", (To.AGENT, To.UNIT_ADMIN, To.CENTER), "归档逾期：{project}",
         "{project}的{form}应于{due}前归档，至今未归档。", channels=URGENT, sent_by="closure.duties.watch_filings"),
    Rule("case.backfill_to_confirm", "补录归档待确认", (To.UNIT_ADMIN,), "补录归档待确认：{project}",
         "{form}补录归档日期{filed}（登记于{recorded}），理由：{reason}。请核实纸质归档记录后确认。",
         sent_by="closure.services.closure_file"),
    Rule("case.evaluation_link", "评价链接", (To.OWNER,), "请评价代办服务：{project}",
         "请在{days}天内通过以下链接对代办服务作出评价（链接仅可使用一次）。", channels=URGENT,
         sent_by="closure.evaluations.evaluation_link_issue / closure.duties.send_evaluation_links"),
    Rule("visit.scheduled", "回访安排", (To.HANDLER,), "回访安排：{project}",
         "请于{on}{channel}，了解业主对代办服务的评价。", sent_by="closure.evaluations.visit_schedule"),
    Rule("case.evaluated", "业主已评价", (To.AGENT, To.UNIT_ADMIN), "业主已评价：{project}",
         "评价等级：{grade}。{comments}", sent_by="closure.evaluations.evaluation_submit"),
    Rule("bad_review.opened", "差评", (To.HANDLER,), "差评待核实：{project}",
         "业主对{concerned}的评价为“{grade}”。请于{due}前回访核实。{comments}", channels=URGENT,
         sent_by="goodbad.services.bad_review_open"),
    Rule("bad_review.verified", "差评核实结论", (To.HANDLER,), "差评{status}：{project}",
         "{concerned}核实结论：{finding}。{note}下一环节期限：{due}。", sent_by="goodbad.services.bad_review_verify"),
    Rule("bad_review.appeal_reviewed", "差评申诉复核", (To.HANDLER,), "差评申诉复核：{project}",
         "县代办中心复核结论：{decision}。{note}{next}", sent_by="goodbad.services.bad_review_appeal_review"),
    Rule("bad_review.deadline", "差评核实、整改、答复、复核到期（预警 / 逾期）", (To.HANDLER,), "{state}：{what}",
         "{project}：{what}期限为{due}，{left}。", sent_by="goodbad.duties.alert_bad_reviews"),
    Rule("fee.alert", "索取费用或礼品线索", (To.INSPECTOR,), "索取费用或礼品线索：{project}",
         "{company}在{source}中反映，代办过程中有人索取费用或礼品。承办机构：{unit}。{details}",
         channels=URGENT, sent_by="closure.evaluations.evaluation_submit"),
)


def rule(event: str) -> Rule:
    try:
        return RULES[event]
    except KeyError:
        raise KeyError(f"no notification rule for {event!r} (daiban/notify/rules.py)") from None
