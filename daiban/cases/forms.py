"""The staff forms of requests and cases. They check shapes only; the services judge content."""
from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.db.models import Q

from daiban.cases.models import CaseDocument, CollaborationPhase
from daiban.intake.forms import YES_NO, location_choices
from daiban.intake.models import Category, DirectoryEntry, Source
from daiban.intake.services import STAFF_SOURCES
from daiban.intake.validation import RequestData
from daiban.lib.forms import choice_field, mark_required
from daiban.org.models import Region, User
from daiban.org.roles import Role

TEXT_REQUIRED = "请填写{}"


def _text(label: str, *, required: bool = False, max_length: int = 100, textarea: bool = False,
          **attrs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    field = forms.CharField(label=label, required=False, max_length=max_length, widget=widget,
                            error_messages={"max_length": f"{label}过长（最多 %(limit_value)d 字）"})
    mark_required(field, required=required)
    return field


def _number(label: str, **attrs: Any) -> forms.CharField:
    # The service parses numbers and answers with its own message ("总投资应为数字（单位：万元）").
    return forms.CharField(label=label, required=False, max_length=20,
                           widget=forms.TextInput(attrs={"inputmode": "decimal", **attrs}))


class RequestForm(forms.Form):
    """代办登记表 at a window or by phone: every field of a request."""

    source = forms.ChoiceField(label="受理渠道", choices=[(s.value, s.label) for s in STAFF_SOURCES],
                               error_messages={"invalid_choice": "受理渠道应为窗口、电话、上级交办或部门协调"})
    company_name = _text("单位名称", required=True)
    credit_code = _text("统一社会信用代码", required=True, max_length=18, autocapitalize="characters")
    legal_rep = _text("法定代表人", max_length=30)
    company_address = _text("单位地址", max_length=120, placeholder="如 平阳县鳌江镇兴港路88号（未提供的可在案件中补录）")
    contact_name = _text("联系人", required=True, max_length=30)
    contact_phone = _text("联系电话（手机）", required=True, max_length=11, inputmode="numeric")
    contact_email = _text("电子邮箱（选填）", max_length=254, inputmode="email")
    project_name = _text("项目名称", required=True)
    location = forms.ChoiceField(label="建设地点", required=False,
                                 error_messages={"invalid_choice": "建设地点应为平阳县的乡镇或园区"})
    category = forms.ChoiceField(label="项目类别", required=False, choices=[("", "请选择"), *Category.choices],
                                 error_messages={"invalid_choice": "项目类别不正确"})
    industrial = forms.ChoiceField(label="是否工业项目", required=False, choices=YES_NO, widget=forms.RadioSelect,
                                   error_messages={"invalid_choice": "请选择是否工业项目"})
    investment_wan = _number("总投资（万元）")
    project_code = _text("项目代码（已赋码的填写）", max_length=24)
    land_area_mu = _number("用地面积（亩）")
    floor_area_m2 = _number("建筑面积（平方米）")
    description = _text("建设内容及规模", max_length=2000, textarea=True)
    coordination_needs = _text("需要协调的问题", max_length=2000, textarea=True)
    card_no = _text("代办联系卡卡号（持卡的填写）", max_length=20)
    directory_entry = forms.ModelChoiceField(queryset=DirectoryEntry.objects.all(), required=False,
                                             widget=forms.HiddenInput)
    token = forms.CharField(widget=forms.HiddenInput, max_length=80)

    REQUIRED = ("company_name", "credit_code", "contact_name", "contact_phone", "project_name", "location",
                "category", "industrial", "investment_wan")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["location"]).choices = location_choices()
        if not self.is_bound:
            # A fresh token per rendered form: a double click submits it twice and registers once.
            self.initial.setdefault("token", uuid.uuid4().hex)
        for name in self.REQUIRED:
            mark_required(self.fields[name])

    @classmethod
    def initial_from(cls, data: RequestData) -> dict:
        region = Region.objects.filter(Q(code=data.location) | Q(name=data.location)).first()
        return {"company_name": data.company_name, "credit_code": data.credit_code,
                "contact_name": data.contact_name, "contact_phone": data.contact_phone,
                "contact_email": data.contact_email, "project_name": data.project_name, "location": region.code if region else "",
                "category": data.category, "industrial": "yes" if data.industrial else "no",
                "investment_wan": data.investment_wan, "description": data.description,
                "directory_entry": data.directory_entry_id, "source": Source.DEPARTMENT}

    def request_data(self) -> RequestData:
        c = self.cleaned_data
        industrial = {"yes": True, "no": False}.get(c["industrial"])
        entry = c.get("directory_entry")
        return RequestData(
            company_name=c["company_name"], credit_code=c["credit_code"], contact_name=c["contact_name"],
            contact_phone=c["contact_phone"], contact_email=c["contact_email"], project_name=c["project_name"],
            location=c["location"],
            category=c["category"], industrial=industrial, investment_wan=c["investment_wan"],
            description=c["description"], project_code=c["project_code"], legal_rep=c["legal_rep"],
            company_address=c["company_address"], land_area_mu=c["land_area_mu"] or None,
            floor_area_m2=c["floor_area_m2"] or None,
            coordination_needs=c["coordination_needs"], card_no=c["card_no"],
            directory_entry_id=entry.pk if entry else None)


class AddressForm(forms.Form):
    # The service checks it (empty, too long) with the same message as the API.
    address = forms.CharField(label="单位地址", required=False, max_length=200)


class ContactForm(forms.Form):
    note = forms.CharField(label="联系情况", required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：已电话联系张经理，约定…"}))


class AcceptForm(forms.Form):
    in_county = forms.BooleanField(label="项目在县域范围内", required=False)
    industrial_policy = forms.BooleanField(label="符合产业导向", required=False)
    voluntary = forms.BooleanField(label="企业自愿申请", required=False)
    note = forms.CharField(label="审查意见（可不填）", required=False, max_length=200)

    CONFIRM = "请逐项勾选确认受理条件后再受理；项目不符合条件的，请在“不予受理”中填写理由。"

    def clean(self) -> dict:
        # Nothing ticked is a forgotten confirmation, not three verdicts against the project.
        data = cast(dict, super().clean())  # Form.clean answers cleaned_data
        if not any(data.get(name) for name in ("in_county", "industrial_policy", "voluntary")):
            raise forms.ValidationError(self.CONFIRM)
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(label="不予受理理由（企业可见）", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SignForm(forms.Form):
    kind = forms.ChoiceField(choices=[(CaseDocument.Kind.REGISTRATION.value, ""),
                                      (CaseDocument.Kind.AGREEMENT.value, "")], widget=forms.HiddenInput)
    owner_signatory = forms.CharField(label="业主签字人", required=False, max_length=30)


class CollaborationForm(forms.Form):
    phase = forms.ChoiceField(choices=CollaborationPhase.Phase.choices, widget=forms.HiddenInput)
    handed_over_at = forms.DateField(label="交接日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                     error_messages={"invalid": "请输入正确的日期"})
    handed_over_to = forms.CharField(label="交接对象", required=False, max_length=60)
    note = forms.CharField(label="情况", required=False, max_length=200)


class AgreementForm(forms.Form):
    item_codes = forms.MultipleChoiceField(label="委托代办事项", required=False,
                                           widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, items=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["item_codes"]).choices = [(i.code, i.name) for i in items]
        self.fields["item_codes"].error_messages["invalid_choice"] = "事项库中没有事项 %(value)s"


def _person(user: User) -> tuple[str, str]:
    where = user.title or (user.department.name if user.department else (user.body.name if user.body else ""))
    return user.username, f"{user.display_name}（{where}）" if where else user.display_name


class TeamForm(forms.Form):
    """The team of a case: the people on file who hold each kind of post; the service checks the rules."""

    agent = forms.ChoiceField(label="代办员", required=False)
    chief_agent = forms.ChoiceField(label="首席代办员", required=False)
    lead_leader = forms.ChoiceField(label="牵头代办领导（乡科级）", required=False)
    supervisor = forms.ChoiceField(label="督办负责人（县直部门主要负责人）", required=False)
    liaisons = forms.MultipleChoiceField(label="代办联络员", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, case, department_ids=frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True).select_related("body", "department").order_by("username")
        none = [("", "（不设）")]
        choice_field(self.fields["agent"]).choices = [("", "请选择")] + [
            _person(u) for u in staff.filter(body=case.unit, role_grants__role__in=[Role.AGENT, Role.CHIEF_AGENT])
            .distinct()]
        chiefs = staff.filter(role_grants__role=Role.CHIEF_AGENT)
        choice_field(self.fields["chief_agent"]).choices = none + [_person(u) for u in chiefs]
        choice_field(self.fields["lead_leader"]).choices = none + [_person(u) for u in staff.filter(section_level=True)]
        choice_field(self.fields["supervisor"]).choices = none + [_person(u) for u in staff.filter(department_head=True)]
        liaisons = staff.filter(role_grants__role=Role.LIAISON, department__isnull=False)
        involved = lambda u: u.department_id in department_ids  # noqa: E731
        choice_field(self.fields["liaisons"]).choices = [
            (u.username, f"{u.display_name} · {u.department.name if u.department else ''}"
                         f"{' · 本案所涉' if involved(u) else ''}")
            for u in sorted(liaisons, key=lambda u: (not involved(u), u.username))]
        for name in ("agent", "chief_agent", "lead_leader", "supervisor"):
            self.fields[name].error_messages["invalid_choice"] = "请从列表中选择人员"
        self.fields["liaisons"].error_messages["invalid_choice"] = "请从列表中选择代办联络员"
