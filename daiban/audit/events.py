"""The explicit list of event types in the audit chain. An event type not listed here is refused."""
from __future__ import annotations

EVENT_TYPES: dict[str, str] = {
    # access
    "auth.login": "登录",
    "auth.login_failed": "登录失败",
    "auth.logout": "退出登录",
    "auth.token_issued": "签发接口令牌",
    "access.refused": "拒绝访问",
    "access.personal_data_viewed": "查看个人信息",
    # organisation
    "org.user_created": "创建用户",
    "org.role_granted": "授予角色",
    "org.role_revoked": "撤销角色",
    # calendar
    "calendar.year_imported": "导入年度工作日安排",
    "calendar.year_confirmed": "确认年度工作日安排",
    # item catalog
    "catalog.item_created": "新增代办事项",
    "catalog.item_updated": "修改代办事项",
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
    "case.document_signed": "文书签署",
    "case.team_set": "确定代办团队",
    "case.major_designated": "认定重大项目",
    "case.collaboration_updated": "更新三部门协同",
})
EVENT_TYPES["intake.owner_account_created"] = "开设业主账号"
