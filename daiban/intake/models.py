"""The front door: requests from every channel, consultations, contact cards, the project directory."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from daiban.lib.personal import EncryptedCharField, LookupHashField
from daiban.lib.search_text import SearchTextField
from daiban.org.models import AgencyBody, Department, Region


class Category(models.TextChoices):
    MAJOR_CONSTRUCTION = "major_construction", "大建大美（一轴一带四片）"
    INDUSTRIAL_PLATFORM = "industrial_platform", "产业平台（一区六园、特色小镇、小微园）"
    INVESTMENT_PROMOTION = "investment_promotion", "招商引资"
    RETURNING_MERCHANT = "returning_merchant", "平商回归"
    GOVERNMENT_INVESTMENT = "government_investment", "政府投资（参照执行）"
    OTHER = "other", "其他"


# Categories with the leader rules and the three-department collaboration (seed §1.3).
PROMOTION_CATEGORIES = frozenset({Category.INVESTMENT_PROMOTION, Category.RETURNING_MERCHANT})


class Source(models.TextChoices):
    ONLINE = "online", "网上申请"
    WINDOW = "window", "窗口登记"
    PHONE = "phone", "电话登记"
    ASSIGNED = "assigned", "上级交办"
    DEPARTMENT = "department", "部门协调"


class Company(models.Model):
    name = models.CharField("单位名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_rep = EncryptedCharField("法定代表人", max_length=30, blank=True, kind="name")
    address = EncryptedCharField("地址", max_length=120, blank=True, kind="address")
    owner_users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="业主账号", blank=True,
                                         related_name="companies")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业"

    def __str__(self) -> str:
        return self.name


class ContactCard(models.Model):
    """代办联系卡: issued by the investment-promotion, commerce or government-investment body."""

    class Kind(models.TextChoices):
        FULL_SERVICE = "full_service", "全程免费代办"
        COORDINATION = "coordination", "协调督办"

    number = models.CharField("卡号", max_length=20, unique=True)
    issuer = models.ForeignKey(Department, verbose_name="发卡部门", on_delete=models.PROTECT, related_name="cards")
    kind = models.CharField("服务类型", max_length=16, choices=Kind.choices, default=Kind.FULL_SERVICE)
    company = models.ForeignKey(Company, verbose_name="持卡企业", on_delete=models.PROTECT, related_name="cards")
    project_name = models.CharField("项目名称", max_length=100)
    issued_at = models.DateTimeField("发卡时间", auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发卡人", on_delete=models.PROTECT,
                                  related_name="+")
    redeemed_at = models.DateTimeField("使用时间", null=True, blank=True)
    # Cards and the directory are one register: issuing a card links (or creates) the company's entry.
    directory_entry = models.ForeignKey("DirectoryEntry", verbose_name="目录库项目", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="cards")

    class Meta:
        verbose_name = verbose_name_plural = "代办联系卡"
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class DirectoryEntry(models.Model):
    """目录库: investment-promotion, returning-merchant and government-investment projects."""

    class Status(models.TextChoices):
        TRACKING = "tracking", "跟踪洽谈"
        SIGNED = "signed", "已签约"
        IN_AGENCY = "in_agency", "已进入代办"
        LANDED = "landed", "已落地"

    category = models.CharField("项目类别", max_length=24, choices=Category.choices)
    project_name = models.CharField("项目名称", max_length=100)
    company_name = models.CharField("企业名称", max_length=100)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    contact_name = EncryptedCharField("联系人", max_length=30, blank=True, kind="name")
    contact_phone = EncryptedCharField("联系电话", max_length=11, blank=True, kind="phone")
    contact_phone_hash = LookupHashField(source="contact_phone")
    location = models.ForeignKey(Region, verbose_name="建设地点", on_delete=models.PROTECT, related_name="+")
    industrial = models.BooleanField("工业项目", default=True)
    investment_wan = models.DecimalField("总投资（万元）", max_digits=12, decimal_places=2)
    description = models.TextField("建设内容", blank=True)
    source_department = models.ForeignKey(Department, verbose_name="报送部门", on_delete=models.PROTECT,
                                          related_name="directory_entries")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.TRACKING)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "项目目录库"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.project_name


class Request(models.Model):
    """代办登记: a company's request for the service, from any channel, until it is accepted or rejected."""

    class Status(models.TextChoices):
        NEW = "new", "待联系"
        CONTACTED = "contacted", "已联系待审查"
        ACCEPTED = "accepted", "已受理"
        REJECTED = "rejected", "不予受理"

    tracking_no = models.CharField("登记编号", max_length=20, unique=True)
    query_code = models.CharField("查询码", max_length=16)
    source = models.CharField("受理渠道", max_length=12, choices=Source.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.NEW)
    unit = models.ForeignKey(AgencyBody, verbose_name="承办代办机构", on_delete=models.PROTECT, related_name="requests")
    company = models.ForeignKey(Company, verbose_name="企业", on_delete=models.PROTECT, related_name="requests")
    company_name = models.CharField("单位名称", max_length=100)
    legal_rep = EncryptedCharField("法定代表人", max_length=30, blank=True, kind="name")
    # The address the request gave (or staff entered later for its case): printed on the case's forms.
    company_address = EncryptedCharField("单位地址", max_length=120, blank=True, kind="address")
    contact_name = EncryptedCharField("联系人", max_length=30, kind="name")
    contact_name_hash = LookupHashField(source="contact_name", kind="name")
    contact_phone = EncryptedCharField("联系电话", max_length=11, kind="phone")
    contact_phone_hash = LookupHashField(source="contact_phone")
    # Optional: an owner without an account also receives its notices by e-mail (daiban/notify/rules.py).
    contact_email = EncryptedCharField("电子邮箱", max_length=254, blank=True, kind="email")
    project_name = models.CharField("项目名称", max_length=100)
    project_code = models.CharField("项目代码", max_length=24, blank=True)
    # What the staff search box matches words against (daiban/lib/search_text.py).
    search_text = SearchTextField(sources=("tracking_no", "company_name", "project_name", "project_code"))
    location = models.ForeignKey(Region, verbose_name="建设地点", on_delete=models.PROTECT, related_name="+")
    category = models.CharField("项目类别", max_length=24, choices=Category.choices)
    industrial = models.BooleanField("工业项目")
    investment_wan = models.DecimalField("总投资（万元）", max_digits=12, decimal_places=2)
    land_area_mu = models.DecimalField("用地面积（亩）", max_digits=10, decimal_places=2, null=True, blank=True)
    floor_area_m2 = models.DecimalField("建筑面积（平方米）", max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.TextField("建设内容及规模", blank=True)
    coordination_needs = models.TextField("需要协调的问题", blank=True)
    card = models.OneToOneField(ContactCard, verbose_name="代办联系卡", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="request")
    directory_entry = models.ForeignKey(DirectoryEntry, verbose_name="目录库项目", null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="requests")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    written_request = models.BooleanField("业主书面委托", default=False,
                                          help_text="工作人员代为登记时，须有业主的书面申请")
    received_at = models.DateTimeField("收到时间")
    deemed_day = models.DateField("视为收到日")
    first_contact_due = models.DateField("首次联系期限")
    first_contact_provisional = models.BooleanField("期限为暂定", default=False)
    first_contact_at = models.DateTimeField("首次联系时间", null=True, blank=True)
    first_contact_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="联系人员", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    first_contact_note = models.TextField("联系情况", blank=True)
    reviewed_at = models.DateTimeField("审查时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审查人", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reject_reason = models.TextField("不予受理理由", blank=True)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "代办登记"
        ordering = ["-received_at"]
        # The request list pages by received_at (keyset), over all units or one unit's.
        indexes = [models.Index(fields=["unit", "status"]), models.Index(fields=["received_at", "id"]),
                   models.Index(fields=["unit", "received_at", "id"])]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.project_name}"


class PublicStep(models.Model):
    """A step the owner sees on the public progress page (no personal data in `text`)."""

    MAX_TEXT = 200

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="public_steps")
    at = models.DateTimeField("时间")
    text = models.CharField("进展", max_length=MAX_TEXT)

    class Meta:
        verbose_name = verbose_name_plural = "公开进展"
        ordering = ["at", "id"]

    @classmethod
    def fitted(cls, text: str) -> str:
        """The text as the page keeps it: a long summary (a half-month report's) cut with an ellipsis."""
        return text if len(text) <= cls.MAX_TEXT else text[:cls.MAX_TEXT - 1] + "…"


class Consultation(models.Model):
    """提前介入: a consultation logged even when no case follows."""

    body = models.ForeignKey(AgencyBody, verbose_name="代办机构", on_delete=models.PROTECT, related_name="consultations")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接待人员", on_delete=models.PROTECT,
                              related_name="+")
    asker_name = EncryptedCharField("咨询人", max_length=30, kind="name")
    asker_org = models.CharField("单位", max_length=100, blank=True)
    asker_phone = EncryptedCharField("联系电话", max_length=11, blank=True, kind="phone")
    asker_phone_hash = LookupHashField(source="asker_phone")
    channel = models.CharField("方式", max_length=12, choices=Source.choices, default=Source.WINDOW)
    question = models.TextField("咨询内容")
    answer = models.TextField("政策解答")
    request = models.ForeignKey(Request, verbose_name="后续代办登记", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="consultations")
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "咨询记录"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"咨询记录 #{self.pk}"
