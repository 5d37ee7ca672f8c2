"""The forms of the 差评 pages: shapes only; the services judge content (their refusals go next to the fields)."""
from __future__ import annotations

from django import forms

from daiban.goodbad.states import AppealDecision, Finding, RaterReply

DATE = {"invalid": "日期格式应为 YYYY-MM-DD"}


def _date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, error_messages=DATE, help_text="不填为今天",
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _note(label: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": f"请填写{label}", "max_length": f"{label}过长（最多 2000 字）"})


class VerifyForm(forms.Form):
    finding = forms.ChoiceField(label="核实结论", choices=Finding.choices, widget=forms.RadioSelect,
                                error_messages={"required": "请选择核实结论"})
    note = _note("核实情况（申诉的，写明理由）")
    verified_on = _date("核实日期")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=AppealDecision.choices, widget=forms.RadioSelect,
                                 error_messages={"required": "请选择复核结论"})
    note = _note("复核意见")
    reviewed_on = _date("复核日期")


class RectifyForm(forms.Form):
    note = _note("整改措施")
    rectified_on = _date("整改完成日期")


class AnswerForm(forms.Form):
    note = _note("答复内容")
    rater_reply = forms.ChoiceField(label="评价人反馈", choices=RaterReply.choices, widget=forms.RadioSelect,
                                    error_messages={"required": "请选择评价人的反馈"})
    rater_reply_note = forms.CharField(label="反馈说明", required=False, max_length=500,
                                       error_messages={"max_length": "反馈说明过长（最多 500 字）"})
    answered_on = _date("答复日期")
