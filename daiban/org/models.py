"""The administrative tree, agency bodies, approval departments and the people in them."""
from __future__ import annotations

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from daiban.lib.personal import EncryptedCharField, LookupHashField
from daiban.org.roles import SEPARATED_ADMIN_ROLES, STAFF_ROLES, Role


class Region(models.Model):
    class Level(models.TextChoices):
        PROVINCE = "province", "省"
        CITY = "city", "市"
        COUNTY = "county", "县"
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"
        ZONE = "zone", "开发区"
        PARK = "park", "园区"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=50)
    level = models.CharField("层级", max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    note = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_project_location(self) -> bool:
        """Projects are located in a township or a park (the unit that serves them)."""
        return self.level in {self.Level.TOWN, self.Level.TOWNSHIP, self.Level.PARK}


class AgencyBody(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", "省级代办机构"
        CITY = "city", "市级代办机构"
        CENTER = "center", "县投资项目代办服务中心"
        UNIT = "unit", "乡镇/园区代办机构"

    name = models.CharField("名称", max_length=80, unique=True)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="agency_bodies")
    parent = models.ForeignKey("self", verbose_name="上级代办机构", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children", help_text="协调阶梯的上一级：乡镇/园区→县中心→市中心→省中心")
    # The coordination ladder (daiban/org/ladder.py) is read from these three fields: another county's chain
    # is configured here, not programmed.
    government = models.CharField("本级政府", max_length=80, blank=True,
                                  help_text="如“平阳县人民政府”：作为上级政府协调，其领导主持疑难会商")
    authority = models.ForeignKey("Department", verbose_name="本级审管部门", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  help_text="下级代办机构的问题升级至本级时的“上级审管部门”")
    phone = models.CharField("代办咨询电话", max_length=30, blank=True)
    address = models.CharField("地址", max_length=120, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "代办机构"
        ordering = ["kind", "region__code"]

    def __str__(self) -> str:
        return self.name


class AgencyWindow(models.Model):
    body = models.ForeignKey(AgencyBody, verbose_name="代办机构", on_delete=models.CASCADE, related_name="windows")
    name = models.CharField("窗口名称", max_length=80)
    address = models.CharField("地址", max_length=120)
    phone = models.CharField("电话", max_length=30, blank=True)
    hours = models.CharField("办公时间", max_length=80, default="工作日 8:30-12:00, 14:30-17:30")

    class Meta:
        verbose_name = verbose_name_plural = "代办窗口"

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    class Kind(models.TextChoices):
        APPROVAL = "approval", "审批部门"
        UTILITY = "utility", "公共服务单位"
        INVESTMENT = "investment", "招商部门"
        COMMERCE = "commerce", "商务部门"
        GOVERNMENT_INVESTMENT = "gov_investment", "政府投资项目平台"
        DISCIPLINE = "discipline", "纪检监察机关"
        OTHER = "other", "其他县直部门"

    code = models.SlugField("代号", max_length=20, unique=True)
    name = models.CharField("简称", max_length=80, help_text="事项库中使用的名称，如“发展和改革局”")
    full_name = models.CharField("全称", max_length=100, blank=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所属区划", on_delete=models.PROTECT, related_name="departments")
    phone = models.CharField("电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["region__code", "code"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_name_per_region")]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """Staff and owners. Roles live in RoleGrant; `body` or `department` say where a person works."""

    full_name = models.CharField("姓名", max_length=30, blank=True)
    mobile = EncryptedCharField("手机号码", max_length=11, blank=True, kind="phone")
    mobile_hash = LookupHashField(source="mobile")
    title = models.CharField("职务", max_length=40, blank=True)
    body = models.ForeignKey(AgencyBody, verbose_name="所在代办机构", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="staff")
    department = models.ForeignKey(Department, verbose_name="所在部门", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="staff")
    region = models.ForeignKey(Region, verbose_name="所属区划", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="people", help_text="领导干部所属的乡镇、园区或县")
    section_level = models.BooleanField("乡科级干部", default=False)
    department_head = models.BooleanField("部门主要负责人", default=False)
    senior_agent = models.BooleanField("代办业务骨干", default=False)
    # Credentials (daiban/accounts): an initial or reset password is changed at first login, and a
    # staff password every PASSWORD_MAX_AGE_DAYS.
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)
    password_must_change = models.BooleanField("首次登录须修改密码", default=False)
    # Created by seed_demo: with DAIBAN_DEBUG=1 (and only then) it logs in with its password alone.
    is_demo = models.BooleanField("演示账号", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.pk or not self.is_active:
            return frozenset()
        if "role_grants" in getattr(self, "_prefetched_objects_cache", {}):  # a list of people read at once
            return frozenset(grant.role for grant in self.role_grants.all())
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def is_staff_account(self) -> bool:
        """Holds a staff role (anything but a project owner's)."""
        return bool(self.roles & STAFF_ROLES)

    # Django admin (三权分立): reference data is kept by the system administrator and the center;
    # accounts and roles are only shown, to the security administrator, who changes them through
    # /accounts/manage/ (services with their checks and audit events). The audit trail is never there.
    REFERENCE_APPS = frozenset({"org", "workdays", "catalog", "intake"})
    ACCOUNT_MODELS = frozenset({"user", "rolegrant"})

    def has_perm(self, perm: str, obj=None) -> bool:
        if not self.is_active:
            return False
        app_label, _, codename = perm.partition(".")
        action, _, model = codename.partition("_")
        if app_label == "org" and model in self.ACCOUNT_MODELS:
            return action == "view" and self.has_role(Role.SECURITY_ADMIN)
        return app_label in self.REFERENCE_APPS and self.has_role(Role.SYS_ADMIN, Role.CENTER_ADMIN)

    def has_module_perms(self, app_label: str) -> bool:
        if not self.is_active:
            return False
        if app_label == "org" and self.has_role(Role.SECURITY_ADMIN):
            return True
        return app_label in self.REFERENCE_APPS and self.has_role(Role.SYS_ADMIN, Role.CENTER_ADMIN)


class RoleGrant(models.Model):
    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "角色授予"
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="role_once_per_user"),
            # 三权分立, enforced by the database too.
            models.UniqueConstraint(fields=["user"], condition=Q(role__in=sorted(SEPARATED_ADMIN_ROLES)),
                                    name="one_separated_admin_role_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """Bearer tokens for the API, stored as SHA-256 digests only."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
