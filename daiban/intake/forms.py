"""Staff forms of the front door: consultations, the project directory, contact cards (shapes only)."""
from __future__ import annotations

from typing import Any

from django import forms

from daiban.intake.models import PROMOTION_CATEGORIES, Category, ContactCard, Source
from daiban.lib.forms import choice_field, mark_required
from daiban.org.models import Region

DIRECTORY_CATEGORIES = [(c.value, c.label) for c in Category
                        if c in PROMOTION_CATEGORIES or c == Category.GOVERNMENT_INVESTMENT]

YES_NO = [("yes", "是"), ("no", "否")]


def location_choices() -> list:
    """Townships and towns, then the parks of the development zone, as select groups."""
    places = Region.objects.filter(level__in=[Region.Level.TOWN, Region.Level.TOWNSHIP, Region.Level.PARK])
    towns = [(r.code, r.name) for r in places if r.level != Region.Level.PARK]
    parks = [(r.code, r.name) for r in places if r.level == Region.Level.PARK]
    return [("", "请选择"), ("乡镇", towns), ("园区（浙江省平阳经济开发区）", parks)]


def _text(label: str, max_length: int, *, required: bool = False, textarea: bool = False,
          **attrs: Any) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 3, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    field = forms.CharField(label=label, required=False, max_length=max_length, widget=widget,
                            error_messages={"max_length": f"{label}过长（最多 %(limit_value)d 字）"})
    mark_required(field, required=required)
    return field


class ConsultationForm(forms.Form):
    asker_name = _text("咨询人", 30, required=True)
    asker_org = _text("单位", 100)
    asker_phone = _text("联系电话", 11, inputmode="numeric")
    channel = forms.ChoiceField(label="方式", choices=Source.choices, initial=Source.WINDOW,
                                error_messages={"invalid_choice": "咨询方式不正确"})
    question = _text("咨询内容", 2000, required=True, textarea=True)
    answer = _text("政策解答", 2000, required=True, textarea=True)


class DirectoryForm(forms.Form):
    category = forms.ChoiceField(label="项目类别", required=False, choices=[("", "请选择"), *DIRECTORY_CATEGORIES],
                                 error_messages={"invalid_choice": "目录库只收录招商引资、平商回归和政府投资项目"})
    project_name = _text("项目名称", 100, required=True)
    company_name = _text("企业名称", 100, required=True)
    credit_code = _text("统一社会信用代码", 18)
    contact_name = _text("联系人", 30)
    contact_phone = _text("联系电话", 11, inputmode="numeric")
    location = forms.ChoiceField(label="建设地点", required=False,
                                 error_messages={"invalid_choice": "建设地点应为平阳县的乡镇或园区"})
    industrial = forms.ChoiceField(label="是否工业项目", choices=YES_NO, initial="yes", widget=forms.RadioSelect,
                                   error_messages={"required": "请选择是否工业项目",
                                                   "invalid_choice": "请选择是否工业项目"})
    investment_wan = forms.CharField(label="总投资（万元）", required=False, max_length=20,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    description = _text("建设内容", 2000, textarea=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["location"]).choices = location_choices()
        for name in ("category", "location", "investment_wan", "industrial"):
            mark_required(self.fields[name])

    def service_arguments(self) -> dict:
        values = dict(self.cleaned_data)
        values["industrial"] = values["industrial"] == "yes"
        return values


class CardForm(forms.Form):
    company_name = _text("企业名称", 100, required=True)
    credit_code = _text("统一社会信用代码", 18, required=True)
    project_name = _text("项目名称", 100, required=True)
    kind = forms.ChoiceField(label="服务类型", choices=ContactCard.Kind.choices,
                             error_messages={"invalid_choice": "服务类型不正确"})
