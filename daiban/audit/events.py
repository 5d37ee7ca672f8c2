"""The explicit list of event types in the audit chain. An event type not listed here is refused."""
from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    # access
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.token_issued": "签发接口令牌",
    "auth.token_revoked": "撤销接口令牌",
    "auth.locked": "账号锁定",
    "auth.unlocked": "解除账号锁定",
    "auth.session_ended": "会话结束（超时或失效）",
    "auth.password_changed": "修改密码",
    "auth.password_reset": "重置密码",
    "auth.second_factor_enrolled": "设置动态口令",
    "auth.second_factor_reset": "重置动态口令",
    "auth.recovery_codes_renewed": "重新生成恢复码",
    "auth.recovery_code_used": "使用恢复码登录",
    "access.refused": "拒绝访问",
    "access.personal_data_viewed": "查看个人信息",
    # organisation
    "org.user_created": "创建用户",
    "org.role_granted": "授予角色",
    "org.role_revoked": "撤销角色",
    "org.user_disabled": "停用账号",
    "org.user_enabled": "启用账号",
    # calendar
    "calendar.year_imported": "导入年度工作日安排",
    "calendar.year_confirmed": "确认年度工作日安排",
    # item catalog
    "catalog.item_created": "新增代办事项",
    "catalog.item_updated": "修改代办事项",
    # adoption (daiban/adoption): rows of a county's existing ledger and roster, marked 导入
    "import.case_imported": "导入台帐案件",
    "import.ledger_exported": "导出导入格式台帐（含未遮蔽的联系人信息）",
    "import.ledger_uploaded": "上传台帐文件并预览",
    "import.ledger_confirmed": "确认导入台帐文件",
    "import.staff_imported": "导入人员名册",
    # demo data
    "system.demo_loaded": "载入演示数据",
}


def label(event_type: str) -> str:
    return EVENT_TYPES.get(event_type, event_type)
EVENT_TYPES["admin.reference_changed"] = "修改基础数据"
EVENT_TYPES.update({
    "intake.request_submitted": "收到代办申请",
    "intake.first_contact": "首次联系企业",
    "intake.request_accepted": "受理代办申请",
    "intake.request_rejected": "不予受理",
    "intake.consultation_logged": "记录咨询",
    "intake.card_issued": "发放代办联系卡",
    "intake.card_redeemed": "使用代办联系卡",
    "intake.directory_added": "录入目录库项目",
    "case.agreement_set": "确定委托代办事项",
    "case.document_generated": "生成文书",
    "case.documents_reissued": "文书数据变更，出具新版次",
    "case.company_address_set": "修改企业地址",
    "case.document_signed": "文书签署",
    "case.team_set": "确定代办团队",
    "case.major_designated": "认定重大项目",
    "case.collaboration_updated": "更新三部门协同",
})
EVENT_TYPES["intake.owner_account_created"] = "开设业主账号"
EVENT_TYPES.update({"intake.first_contact_overdue": "首次联系逾期提醒", "item.warned": "事项预警提醒",
                    "plan.limit_changed": "事项时限变更，重算计划", "plan.item_replaced": "停用事项，以替代事项重排计划"})
EVENT_TYPES.update({
    "plan.generated": "生成代办计划",
    "plan.item_moved": "调整计划日期",
    "plan.recomputed": "按确认的工作日历重算期限",
    "item.dispatched": "派单",
    "item.started": "部门受理",
    "item.paused": "暂停计时",
    "item.resumed": "恢复计时",
    "item.local_done": "本级办结",
    "item.reported_up": "上报上级",
    "item.report_up_watched": "上报时限预警或逾期",
    "item.finished": "事项办结",
    "item.withdrawn": "撤回事项",
    "item.urge": "催办",
    "item.supervise": "督办",
    "item.escalated": "逾期升级",
    "case.worklog_added": "记录工作日志",
    "case.visit_recorded": "登记业主到场",
    "case.progress_reported": "发送进度反馈",
})
EVENT_TYPES["notify.resent"] = "重新发送通知"
EVENT_TYPES.update({
    "case.project_code_set": "登记项目代码",
    "case.completed": "办结",
    "case.terminated": "终止委托代办",
    "closure.handover_confirmed": "业主签收资料",
    "closure.filed": "办结单/终止单归档",
    "closure.business_closed": "随案件结束关闭未了结事项",
    "closure.backfill_confirmed": "补录归档确认",
    "closure.filing_watched": "归档期限提醒（预警 / 逾期）",
    "closure.visit_scheduled": "安排回访",
    "closure.visit_recorded": "记录回访",
    "closure.evaluation_link_issued": "生成评价链接",
    "closure.owner_evaluated": "业主评价代办服务",
    "closure.fee_alert_raised": "索取费用或礼品线索",
    "closure.departments_rated": "代办员评价审批部门",
    "provincial.replayed": "重新报送省平台",
})
EVENT_TYPES.update({
    "assessment.ledger_exported": "导出代办台帐",
    "assessment.directory_exported": "导出项目目录库",
})
EVENT_TYPES.update({
    "policy.article_created": "新建政策文章",
    "policy.article_updated": "修改政策文章",
    "policy.article_published": "发布政策文章",
    "policy.article_unpublished": "撤回政策文章",
    "policy.guides_generated": "生成办事指南",
    "policy.consultation_linked": "咨询解答引用指南或政策",
    "teams.meeting_recorded": "登记工作例会或业务培训",
    "teams.meeting_updated": "修改工作例会或业务培训记录",
    "teams.attendance_set": "登记参会情况",
    "teams.conduct_recorded": "登记考核激励或责任追究",
})
EVENT_TYPES.update({
    "coordination.issue_raised": "提出协调问题",
    "coordination.issue_escalated": "协调问题升级",
    "coordination.issue_responded": "协调问题答复",
    "coordination.issue_resolved": "提出协调解决方案",
    "coordination.issue_confirmed": "代办员确认问题解决",
    "coordination.issue_reopened": "代办员退回解决方案",
    "coordination.consultation_requested": "提请疑难会商",
    "coordination.consultation_decided": "疑难会商决定",
    "coordination.linked_sent": "发起联动代办",
    "coordination.linked_accepted": "上级代办机构接收联动代办",
    "coordination.linked_answered": "上级代办机构反馈联动代办",
    "coordination.meeting_convened": "召集联席会议",
    "coordination.meeting_recorded": "填写联席会议记录",
    "coordination.signatures_voided": "会议记录修改，签名作废",
    "coordination.meeting_signed": "会议记录签名确认",
    "coordination.resolution_done": "会议议定事项落实",
    "coordination.deadline_warning": "协调期限预警",
    "coordination.deadline_overdue": "协调期限逾期",
    "coordination.recomputed": "按确认的工作日历重算协调期限",
})
EVENT_TYPES.update({
    "audit.purged": "清理超过保存期限的审计事件",
    "audit.verify_started": "发起审计链校验",
    "access.personal_data_revealed": "查看完整个人信息",
    "access.personal_data_exported": "导出含个人信息的文件",
})
EVENT_TYPES.update({
    "evidence.rebuilt": "重新统计事项实际用时",
    "rollups.rebuilt": "重新汇总事项统计",
    "rollups.cases_rebuilt": "重新汇总案件统计",
    "evidence.imported": "导入历史办件用时",
    "item.beyond_practice": "事项用时超过本部门80%办件",
})
EVENT_TYPES.update({  # 好差评 (issue 17)
    "closure.item_evaluated": "业主评价事项办理（一事一评）",
    "goodbad.opened": "差评转整改",
    "goodbad.verified": "差评核实",
    "goodbad.rectified": "差评整改完成",
    "goodbad.answered": "差评答复评价人",
    "goodbad.appeal_reviewed": "差评申诉复核",
    "goodbad.deadline_warning": "差评整改期限预警",
    "goodbad.deadline_overdue": "差评整改期限逾期",
})
