"""The online request form (website and phone page). The service's own checks are the field rules."""
from __future__ import annotations

import uuid

from django import forms

from daiban.intake.models import Category
from daiban.intake.validation import RequestData, clean_request
from daiban.lib.errors import ValidationFailed
from daiban.portal.selectors import location_choices

PROJECT_CODE_HINT = "已赋码的填写。格式：2020 版 YYMM-AAAAAA-DD-TT-NNNNNN，或旧版 YYYY-AAAAAA-II-TT-NNNNNN"
VOLUNTARY_LABEL = "本单位自愿申请政府代办服务，知悉代办服务全程免费"


def _text(label: str, *, required: bool = True, help_text: str = "", multiline: bool = False,
          **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if multiline else forms.TextInput(attrs)
    return forms.CharField(label=label, required=required, help_text=help_text, widget=widget,
                           error_messages={"required": f"请填写{label}"})


class RequestForm(forms.Form):
    company_name = _text("单位名称", maxlength=100, autocomplete="organization")
    credit_code = _text("统一社会信用代码", help_text="18 位，见营业执照", maxlength=18,
                        autocapitalize="characters", spellcheck="false", style="text-transform:uppercase")
    legal_rep = _text("法定代表人", required=False, maxlength=30)
    company_address = _text("单位地址", help_text="营业执照上的住所，打印在代办登记表和委托代办协议上", maxlength=120,
                            autocomplete="street-address")
    contact_name = _text("联系人", maxlength=30, autocomplete="name")
    contact_phone = _text("手机号码", help_text="代办员将通过此号码与您联系", type="tel", inputmode="numeric",
                          maxlength=11, autocomplete="tel")
    contact_email = _text("电子邮箱", required=False, help_text="选填：受理、进度和评价通知也会发到此邮箱", type="email",
                          maxlength=254, autocomplete="email")
    project_name = _text("项目名称", maxlength=100)
    location = forms.CharField(label="建设地点", widget=forms.Select,
                               error_messages={"required": "请选择建设地点（乡镇或园区）"})
    category = forms.CharField(label="项目类别", widget=forms.Select(choices=[("", "请选择项目类别"),
                                                                              *Category.choices]),
                               error_messages={"required": "请选择项目类别"})
    industrial = forms.CharField(label="是否工业项目", widget=forms.RadioSelect(choices=[("1", "是"), ("0", "否")]),
                                 error_messages={"required": "请选择是否工业项目"})
    investment_wan = _text("总投资（万元）", inputmode="decimal", placeholder="如 12000")
    project_code = _text("项目代码", required=False, help_text=PROJECT_CODE_HINT, maxlength=24,
                         placeholder="如 2503-330326-04-01-123456", spellcheck="false")
    description = _text("建设内容", help_text="建设规模、主要内容、用地和建筑面积等", multiline=True, maxlength=2000)
    coordination_needs = _text("需要协调的问题", required=False, multiline=True, maxlength=2000)
    card_no = _text("代办联系卡卡号", required=False, help_text="持有招商、商务或政府投资项目平台发放的代办联系卡的填写",
                    maxlength=20, spellcheck="false")
    voluntary = forms.BooleanField(label=VOLUNTARY_LABEL, error_messages={
        "required": "代办服务须由企业自愿申请：请勾选“本单位自愿申请政府代办服务”后再提交"})
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    SECTIONS = (
        ("单位信息", ("company_name", "credit_code", "legal_rep", "company_address", "contact_name", "contact_phone",
                  "contact_email")),
        ("项目信息", ("project_name", "location", "category", "industrial", "investment_wan", "project_code",
                   "description")),
        ("代办需求", ("coordination_needs", "card_no")),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].widget.choices = [("", "请选择乡镇或园区"), *location_choices()]
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4().hex)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]

    def request_data(self) -> RequestData:
        value = {name: (self.cleaned_data.get(name) or "") for name in self.fields}
        industrial = {"1": True, "0": False}.get(value["industrial"])
        return RequestData(
            company_name=value["company_name"], credit_code=value["credit_code"], legal_rep=value["legal_rep"],
            company_address=value["company_address"],
            contact_name=value["contact_name"], contact_phone=value["contact_phone"],
            contact_email=value["contact_email"], project_name=value["project_name"], location=value["location"],
            category=value["category"],
            industrial=industrial, investment_wan=value["investment_wan"], project_code=value["project_code"],
            description=value["description"], coordination_needs=value["coordination_needs"],
            card_no=value["card_no"])

    def clean(self):
        # Every problem at once: the service's rules run even when the voluntary box is unticked.
        try:
            clean_request(self.request_data())
        except ValidationFailed as refusal:
            self.show(refusal)
        return self.cleaned_data

    def show(self, refusal: ValidationFailed) -> None:
        """Puts the service's refusal next to the fields it names (a field keeps its first message)."""
        for field, message in refusal.errors.items():
            if field in self.fields and field in self.errors:
                continue
            self.add_error(field if field in self.fields else None, message)

    @property
    def idempotency_key(self) -> str | None:
        return (self.cleaned_data.get("token") or "").strip() or None


class ProgressForm(forms.Form):
    tracking_no = forms.CharField(label="登记编号", max_length=20, error_messages={"required": "请填写登记编号"},
                                  widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false",
                                                                "placeholder": "如 DB202605120001"}))
    query_code = forms.CharField(label="查询码", max_length=20, error_messages={"required": "请填写查询码"},
                                 widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                               "spellcheck": "false", "placeholder": "12 位字母和数字"}))
