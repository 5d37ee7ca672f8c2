"""The demo county's staff. Every account gets the same password (given to seed_demo)."""
from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.db import transaction

from daiban.org import pingyang as py
from daiban.org.loading import load_pingyang_org
from daiban.org.models import AgencyBody, Department, Region, User
from daiban.org.roles import Role
from daiban.org.services import role_grant, user_create

# username, full name, title, roles, where: ("body", region name) | ("dept", code) | ("county",) , flags
STAFF: list[tuple[str, str, str, tuple[str, ...], tuple, dict]] = [
    ("center", "陈立群", "县代办中心主任", (Role.CENTER_ADMIN,), ("center",), {}),
    ("zxagent", "周敏", "县代办中心代办员", (Role.AGENT,), ("center",), {"senior_agent": True}),
    ("kunyang", "林晓燕", "代办员", (Role.AGENT,), ("body", "昆阳镇"), {}),
    ("kyadmin", "郑海波", "昆阳镇代办服务站站长", (Role.UNIT_ADMIN,), ("body", "昆阳镇"), {}),
    ("aojiang", "王建国", "代办员", (Role.AGENT,), ("body", "鳌江镇"), {}),
    ("ajadmin", "黄丽华", "鳌江镇代办服务站站长", (Role.UNIT_ADMIN,), ("body", "鳌江镇"), {}),
    ("shuitou", "吴志强", "代办员", (Role.AGENT,), ("body", "水头镇"), {}),
    ("xiaojiang", "蔡雪梅", "代办员", (Role.AGENT,), ("body", "萧江镇"), {}),
    ("wanquan", "杨帆", "代办员", (Role.AGENT,), ("body", "万全镇"), {}),
    ("binhai", "苏文斌", "代办员", (Role.AGENT,), ("body", "滨海园区"), {}),
    ("chief", "叶承志", "鳌江镇党委委员（首席代办员）", (Role.CHIEF_AGENT,), ("body", "鳌江镇"), {"section_level": True}),
    ("kychief", "许光明", "昆阳镇副镇长（首席代办员）", (Role.CHIEF_AGENT,), ("body", "昆阳镇"), {"section_level": True}),
    ("ajleader", "金海东", "鳌江镇副镇长", (Role.LEADER,), ("region", "鳌江镇"), {"section_level": True}),
    ("xjleader", "施国平", "萧江镇副镇长", (Role.LEADER,), ("region", "萧江镇"), {"section_level": True}),
    ("kyleader", "董建华", "昆阳镇副镇长", (Role.LEADER,), ("region", "昆阳镇"), {"section_level": True}),
    ("jxjhead", "潘振宇", "县经济和信息化局局长", (Role.LEADER,), ("dept", "jxj"), {"department_head": True}),
    ("fgjhead", "谢伟民", "县发展和改革局局长", (Role.LEADER,), ("dept", "fgj"), {"department_head": True}),
    ("zrjhead", "朱永明", "县自然资源和规划局局长", (Role.LEADER,), ("dept", "zrj"), {"department_head": True}),
    ("zjjhead", "何建新", "县住房和城乡建设局局长", (Role.LEADER,), ("dept", "zjj"), {"department_head": True}),
    ("leader", "刘志远", "副县长", (Role.LEADER,), ("region", "平阳县"), {"section_level": False}),
    ("inspector", "孙正清", "县纪委监委派驻纪检监察组组长", (Role.INSPECTOR,), ("dept", "jw"), {}),
    ("sysadmin", "马骏", "系统管理员", (Role.SYS_ADMIN,), ("center",), {}),
    ("secadmin", "钱慧", "安全保密管理员", (Role.SECURITY_ADMIN,), ("center",), {}),
    ("auditor", "赵审", "安全审计员", (Role.AUDIT_ADMIN,), ("center",), {}),
    ("wzdb", "郭明", "温州市代办中心代办员", (Role.AGENT,), ("city-body",), {}),
    ("zjdb", "方华", "浙江省代办中心代办员", (Role.AGENT,), ("province-body",), {}),
]

# One liaison officer per department with items (username = department code, fgj first).
LIAISONS = [
    ("fgj", "张立新"), ("zrj", "李红梅"), ("bdc", "陈静"), ("zjj", "徐东升"), ("sthj", "吕绿洲"),
    ("yjj", "韩平安"), ("slj", "江水清"), ("rfb", "洪卫国"), ("scj", "范建业"), ("gdgs", "高电明"),
    ("zls", "沈清泉"), ("rqgs", "邱焰"), ("dxyys", "唐信通"), ("wz-sthj", "温环"), ("wz-yjj", "温安"),
    ("zsj", "招商联"), ("swj", "商联"), ("ztpt", "政投联"),
]


def _place(where: tuple) -> dict:
    kind = where[0]
    if kind == "center":
        return {"body": AgencyBody.objects.get(name=py.CENTER_NAME)}
    if kind == "city-body":
        return {"body": AgencyBody.objects.get(name=py.CITY_BODY)}
    if kind == "province-body":
        return {"body": AgencyBody.objects.get(name=py.PROVINCE_BODY)}
    if kind == "body":
        region = Region.objects.get(name=where[1])
        return {"body": AgencyBody.objects.get(kind=AgencyBody.Kind.UNIT, region=region), "region": region}
    if kind == "region":
        return {"region": Region.objects.get(name=where[1])}
    department = Department.objects.get(code=where[1])
    return {"department": department, "region": department.region}


def _ensure(username: str, full_name: str, title: str, roles: tuple[str, ...], place: dict, flags: dict,
            password: str, mobile: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = user_create(actor=None, username=username, password=password, full_name=full_name, title=title,
                           mobile=mobile, password_is_hash=True, **place, **flags)
    for role in roles:
        role_grant(actor=None, user=user, role=role)
    return user


@transaction.atomic
def load_demo_people(password: str) -> None:
    """Creates missing accounts and resets every demo account's password to `password`."""
    load_pingyang_org()
    usernames = [row[0] for row in STAFF] + [code for code, _ in LIAISONS]
    existing = User.objects.filter(username__in=usernames).first()
    if existing is not None and existing.check_password(password):
        hashed = existing.password
    else:
        hashed = make_password(password)
        User.objects.filter(username__in=usernames).update(password=hashed)
    password = hashed
    for index, (username, full_name, title, roles, where, flags) in enumerate(STAFF):
        _ensure(username, full_name, title, roles, _place(where), flags, password, f"1390577{index:04d}")
    for index, (code, full_name) in enumerate(LIAISONS):
        department = Department.objects.get(code=code)
        _ensure(code, full_name, f"{department.name}窗口负责人（代办联络员）", (Role.LIAISON,),
                {"department": department}, {}, password, f"1380577{index:04d}")
