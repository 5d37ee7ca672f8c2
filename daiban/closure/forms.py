"""The forms of the closure pages. They check shapes; the services judge content (their refusals are put
next to the fields they name)."""
from __future__ import annotations

from django import forms

from daiban.closure.evaluations import OwnerAnswers
from daiban.closure.grades import Grade
from daiban.closure.models import Channel, Closure
from daiban.lib.forms import choice_field
from daiban.org.models import User

SCORES = [(str(n), f"{n}分") for n in range(5, 0, -1)]
YES_NO = [("no", "否"), ("yes", "是")]
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}


def _date(label: str, *, required: bool = True, message: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"},
                                                                                 format="%Y-%m-%d"),
                           error_messages={**DATE_ERRORS, "required": message or f"请填写{label}"})


def _text(label: str, *, max_length: int, required: bool = False, message: str = "", rows: int = 0,
          **attrs) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget,
                           error_messages={"required": message or f"请填写{label}",
                                           "max_length": f"{label}过长（最多 %(limit_value)d 字）"})


def _score(label: str, *, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=SCORES, required=required, widget=forms.RadioSelect,
                             error_messages={"required": f"请为{label}评分（1–5 分）",
                                             "invalid_choice": f"{label}的评分应为 1 至 5 分"})


def _grade() -> forms.ChoiceField:
    # Not required here: without a grade the optional scores decide it, and the service says what is missing.
    return forms.ChoiceField(label="评价等级", choices=Grade.choices, required=False, widget=forms.RadioSelect,
                             error_messages={"invalid_choice": "评价等级应为非常满意、满意、基本满意、不满意、非常不满意之一"})


def _graded(form: forms.Form, data: dict) -> dict:
    """A grade, or at least one score to decide it, is needed."""
    if not any(data.get(name) for name in ("grade", "attitude", "efficiency", "quality", "overall")):
        form.add_error("grade", "请选择评价等级（非常满意、满意、基本满意、不满意、非常不满意）")
    return data


def _int(value: str) -> int | None:
    return int(value) if value else None


class HandoverForm(forms.Form):
    """One line of a hand-over or return list; a line without a document name is left out."""

    document = _text("资料名称", max_length=120)
    copies = forms.IntegerField(label="份数", required=False, min_value=1, max_value=99, initial=1,
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                                error_messages={"invalid": "份数应为整数", "min_value": "份数至少为 1",
                                                "max_value": "份数最多为 99"})
    original = forms.ChoiceField(label="原件/复印件", choices=[("1", "原件"), ("0", "复印件")], initial="1",
                                 error_messages={"invalid_choice": "请选择原件或复印件",
                                                 "required": "请选择原件或复印件"})

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not data.get("document"):
            self.errors.pop("copies", None)  # a blank line is left out, whatever its other columns say
        return data

    def line(self) -> dict | None:
        data = getattr(self, "cleaned_data", {})
        if not data.get("document"):
            return None
        return {"document": data["document"], "copies": data.get("copies") or 1,
                "original": data.get("original") == "1"}


HandoverFormSet = forms.formset_factory(HandoverForm, extra=2)


def handover_lines(formset) -> list[dict]:
    return [line for form in formset.forms if (line := form.line())]


class CompleteForm(forms.Form):
    opinion = _text("代办员意见（办结情况说明）", max_length=300, rows=3)


class TerminateForm(forms.Form):
    reason_kind = forms.ChoiceField(label="终止原因", choices=Closure.ReasonKind.choices, widget=forms.RadioSelect,
                                    initial=Closure.ReasonKind.OWNER_REQUEST,
                                    error_messages={"required": "请选择终止原因",
                                                    "invalid_choice": "终止原因应为业主申请或项目自身原因"})
    reason = _text("具体情况", max_length=1000, required=True, message="请填写终止原因的具体情况", rows=4,
                   placeholder="如：投资方变更，业主书面申请终止委托代办")


class ConfirmForm(forms.Form):
    signatory = _text("业主签收人", max_length=30, required=True, message="请填写业主签收人姓名")


class FileForm(forms.Form):
    filed_on = _date("归档日期")
    opinion = _text("代办机构审核意见", max_length=300, rows=2)
    backfill_reason = _text("补录理由", max_length=300, rows=2,
                            placeholder="归档日期早于今天时必填：纸质归档在先、系统登记在后的原因")


class VisitForm(forms.Form):
    planned_on = _date("计划回访日期")
    visitor = forms.ChoiceField(label="回访人", error_messages={"required": "请选择回访人",
                                                             "invalid_choice": "回访人应为代办机构的工作人员"})
    channel = forms.ChoiceField(label="回访方式", choices=Channel.choices, widget=forms.RadioSelect,
                                initial=Channel.PHONE,
                                error_messages={"required": "请选择回访方式", "invalid_choice": "回访方式不正确"})

    def __init__(self, *args, staff: list[User], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self.fields["visitor"]).choices = [
            ("", "请选择"), *[(u.username, f"{u.display_name}（{u.title or u.username}）") for u in staff]]


class VisitRecordForm(forms.Form):
    done_on = _date("回访日期")
    note = _text("回访情况", max_length=2000, required=True, rows=3, message="请填写回访情况")
    fee_asked = forms.ChoiceField(label="业主反映有无人索取费用或礼品", choices=YES_NO, widget=forms.RadioSelect,
                                  error_messages={"required": "请回答代办过程中是否有人索取费用或礼品",
                                                  "invalid_choice": "请回答代办过程中是否有人索取费用或礼品"})
    fee_details = _text("如有，请说明情况", max_length=2000, rows=2, placeholder="何人、何时、索取了什么（选填）")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"done_on": data["done_on"], "note": data["note"], "fee_asked": data["fee_asked"] == "yes",
                "fee_details": data["fee_details"]}


class EvaluationForm(forms.Form):
    """The owner's evaluation: on a phone, through the one-time link, or logged in."""

    grade = _grade()
    attitude = _score("服务态度")
    efficiency = _score("办事效率")
    quality = _score("服务质量")
    overall = _score("总体评价")
    comments = _text("意见和建议", max_length=2000, rows=3, placeholder="对代办服务的意见和建议（选填）")
    fee_asked = forms.ChoiceField(label="代办过程中是否有人索取费用或礼品", choices=YES_NO, widget=forms.RadioSelect,
                                  error_messages={"required": "请回答代办过程中是否有人索取费用或礼品",
                                                  "invalid_choice": "请回答是或否"})
    fee_details = _text("如有，请说明情况", max_length=2000, rows=3, placeholder="何人、何时、索取了什么（选填）")

    def __init__(self, *args, items=(), **kwargs):
        """`items`: the case's finished items not yet graded, each offered for 一事一评 (optional)."""
        super().__init__(*args, **kwargs)
        self.item_fields = []
        for item in items:
            name = f"item_{item.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{item.catalog_item.name}（{item.catalog_item.department.name}）",
                choices=Grade.choices, required=False, widget=forms.RadioSelect,
                error_messages={"invalid_choice": "评价等级应为非常满意、满意、基本满意、不满意、非常不满意之一"})
            self.item_fields.append((item.pk, name))

    def item_rows(self):
        return [self[name] for _, name in self.item_fields]

    def clean(self):
        super().clean()
        return _graded(self, self.cleaned_data)

    def answers(self):
        data = self.cleaned_data
        return OwnerAnswers(grade=data["grade"] or None, attitude=_int(data["attitude"]),
                            efficiency=_int(data["efficiency"]), quality=_int(data["quality"]),
                            overall=_int(data["overall"]), comments=data["comments"],
                            fee_asked=data["fee_asked"] == "yes", fee_details=data["fee_details"],
                            items=tuple({"item": pk, "grade": data[name]} for pk, name in self.item_fields
                                        if data.get(name)))


class RatingForm(forms.Form):
    """The agent's rating of one department (prefixed by its code)."""

    grade = _grade()
    attitude = _score("服务态度")
    efficiency = _score("办事效率")
    quality = _score("服务质量")
    overall = _score("总体评价")
    comment = _text("意见", max_length=300)

    def clean(self):
        super().clean()
        return _graded(self, self.cleaned_data)
