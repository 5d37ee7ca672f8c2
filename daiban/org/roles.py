"""The staff roles and which of them may be combined."""
from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    CENTER_ADMIN = "center_admin", "县代办中心管理员"
    UNIT_ADMIN = "unit_admin", "代办机构管理员"
    AGENT = "agent", "代办员"
    CHIEF_AGENT = "chief_agent", "首席代办员"
    LIAISON = "liaison", "代办联络员"
    LEADER = "leader", "领导"
    INSPECTOR = "inspector", "纪检监察员"
    SYS_ADMIN = "sys_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全保密管理员"
    AUDIT_ADMIN = "audit_admin", "安全审计员"
    OWNER = "owner", "项目业主"


# 三权分立: one person never holds two of these.
SEPARATED_ADMIN_ROLES = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

# Everyone who works in the system (an owner is a company's person, not staff).
STAFF_ROLES = frozenset(Role) - {Role.OWNER}

# Roles that must use a second factor even where DAIBAN_OTP_REQUIRED_FOR is "admins".
SECOND_FACTOR_ROLES = SEPARATED_ADMIN_ROLES | {Role.CENTER_ADMIN}

# Roles that may read every case of the county (scope "all").
COUNTY_WIDE_ROLES = frozenset({Role.CENTER_ADMIN, Role.LEADER, Role.INSPECTOR})

# Roles tied to one agency body: they see that body's cases.
UNIT_ROLES = frozenset({Role.UNIT_ADMIN, Role.AGENT, Role.CHIEF_AGENT})

# Staff who may act on cases (everything else reads at most).
CASE_WORKER_ROLES = frozenset({Role.CENTER_ADMIN, Role.UNIT_ADMIN, Role.AGENT, Role.CHIEF_AGENT})
