"""The staff roster (姓名, 手机号码, 单位或部门, 角色): accounts for ordinary staff, never an administrator.

Accounts are the security administrator's (三权分立), so the import runs as one; each new account gets a
one-time initial password that must be changed at the first login (accounts.services.account_open).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from openpyxl import load_workbook

from daiban.accounts.services import account_open
from daiban.adoption.columns import header_map, norm
from daiban.audit.services import audit_record
from daiban.lib.errors import ServiceError, ValidationFailed
from daiban.lib.validators import mobile_error
from daiban.org.models import AgencyBody, Department, User
from daiban.org.roles import Role
from daiban.org.services import role_grant

STAFF_COLUMNS: dict[str, tuple[str, ...]] = {
    "full_name": ("姓名",),
    "mobile": ("手机号码", "联系电话", "手机"),
    "unit": ("单位或部门", "单位", "部门", "所在单位", "代办机构"),
    "role": ("角色", "岗位"),
    "username": ("用户名", "账号"),
    "title": ("职务",),
}
# Roles a roster may give. Administrators (center, unit, system, security, audit) are granted one by one
# by the security administrator on /accounts/manage/, never from a file.
ROSTER_ROLES = {Role(role).label: Role(role) for role in
                (Role.AGENT, Role.CHIEF_AGENT, Role.LIAISON, Role.LEADER, Role.INSPECTOR)}


@dataclass
class StaffOutcome:
    line: int
    username: str
    created: bool = False
    password: str = ""
    errors: list[str] = field(default_factory=list)


def read_roster(content: bytes, filename: str) -> list[tuple[int, dict]]:
    if Path(filename).suffix.lower() == ".csv":
        table = [list(line) for line in csv.reader(io.StringIO(content.decode("utf-8-sig")))]
    else:
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).worksheets[0]
        except Exception as problem:
            raise ValueError("无法读取该 Excel 文件，请确认是 .xlsx 格式") from problem
        table = [list(line) for line in sheet.iter_rows(values_only=True)]
    if not table:
        return []
    mapping = header_map(table[0], STAFF_COLUMNS)
    rows = [(number, {name: norm(line[index]) for index, name in mapping.items() if index < len(line)})
            for number, line in enumerate(table[1:], start=2)]
    return [(number, row) for number, row in rows if any(row.values())]


def _place(name: str) -> tuple[AgencyBody | None, Department | None]:
    body = AgencyBody.objects.filter(name=name).first()
    if body is not None:
        return body, None
    return None, Department.objects.filter(Q(name=name) | Q(full_name=name) | Q(code=name)).first()


def staff_row_import(*, actor: User, line: int, row: dict) -> StaffOutcome:
    mobile = row.get("mobile", "").replace("-", "").replace(" ", "")
    username = row.get("username") or mobile
    outcome = StaffOutcome(line=line, username=username)
    errors = outcome.errors
    if not row.get("full_name"):
        errors.append("缺少姓名")
    if problem := mobile_error(mobile):
        errors.append(problem)
    body, department = _place(row.get("unit", ""))
    if body is None and department is None:
        errors.append(f"单位或部门“{row.get('unit', '')}”不在本县的组织中")
    role = ROSTER_ROLES.get(row.get("role", ""))
    if role is None:
        errors.append(f"角色“{row.get('role', '')}”不能通过名册授予（可用：{'、'.join(ROSTER_ROLES)}；"
                      "管理员由安全保密管理员逐个授予）")
    if errors or role is None:  # no role means errors says why
        return outcome
    if User.objects.filter(username=username).exists():
        errors.append("该账号已存在，未修改")
        return outcome
    try:
        with transaction.atomic():
            user, outcome.password = account_open(actor=actor, username=username, full_name=row["full_name"],
                                                  mobile=mobile, title=row.get("title", ""), body=body,
                                                  department=department)
            role_grant(actor=actor, user=user, role=role)
            audit_record(event_type="import.staff_imported", actor=actor, obj=user,
                         new={"导入": True, "line": line, "role": role.value})
    except ValidationFailed as problem:
        errors.extend(problem.errors.values())
        return outcome
    except ServiceError as problem:
        errors.append(str(problem))
        return outcome
    outcome.created = True
    return outcome
