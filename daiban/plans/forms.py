"""The forms of the plan and its execution. They check shapes only; the services judge content."""
from __future__ import annotations

from django import forms

from daiban.lib.forms import choice_field
from daiban.lib.personal import mask_phone
from daiban.plans.models import Pause
from daiban.plans.widgets import DateInput, Errors, Select, Textarea, TextInput

DATE_ERRORS = {"invalid": "请输入有效的日期（年-月-日）"}


class Form(forms.Form):
    """A plan form: its error lists are widgets.Errors."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("error_class", Errors)
        super().__init__(*args, **kwargs)


def _date(label: str, *, required: bool = False) -> forms.DateField:
    errors = {**DATE_ERRORS, "required": f"请填写{label}"}
    return forms.DateField(label=label, required=required, error_messages=errors,
                           widget=DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def _text(label: str, *, max_length: int = 300, textarea: bool = False, placeholder: str = "") -> forms.CharField:
    attrs = {"placeholder": placeholder} if placeholder else {}
    widget = Textarea(attrs={"rows": 2, **attrs}) if textarea else TextInput(attrs=attrs)
    # Not required here: the service answers an empty reason in its own words, next to the field.
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget,
                           error_messages={"max_length": f"{label}过长（最多 %(limit_value)d 字）"})


class GenerateForm(Form):
    start_date = _date("计划开始日期", required=True)


class DispatchForm(Form):
    liaison = forms.ChoiceField(label="代办联络员", required=False, choices=[], widget=Select)
    note = _text("派单说明", placeholder="可不填")

    def __init__(self, *args, liaisons=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self.fields["liaison"]).choices = [
            (u.username, f"{u.display_name} {mask_phone(u.mobile)}".strip()) for u in liaisons]
        self.fields["liaison"].error_messages["invalid_choice"] = "请选择该事项审批部门的代办联络员"


class StartForm(Form):
    started_on = _date("受理日期")


class PauseForm(Form):
    kind = forms.ChoiceField(label="暂停类型", choices=Pause.Kind.choices, widget=Select,
                             error_messages={"required": "请选择暂停类型",
                                             "invalid_choice": "暂停类型应为听证、检验检测、鉴定、专家评审或材料补正"})
    reason = _text("事由")
    started_on = _date("暂停开始日期")


class ResumeForm(Form):
    ended_on = _date("恢复日期")


class LocalDoneForm(Form):
    done_on = _date("本级办结日期")


class ReportUpForm(Form):
    reported_on = _date("上报日期")
    note = _text("说明", placeholder="可不填")


class FinishForm(Form):
    result = forms.ChoiceField(label="办理结果", choices=[("approved", "批准（已办结）"), ("refused", "不予许可")],
                               initial="approved", widget=forms.RadioSelect,
                               error_messages={"required": "请选择办理结果", "invalid_choice": "请选择办理结果"})
    approval_no = _text("批准文号或证照编号", max_length=60)
    note = _text("不予许可理由或说明", max_length=200, textarea=True)
    finished_on = _date("办结日期")

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {"approved": data["result"] == "approved", "approval_no": data["approval_no"], "note": data["note"],
                "finished_on": data["finished_on"]}


class ReasonForm(Form):
    reason = _text("撤回理由", textarea=True)


class UrgeForm(Form):
    note = _text("内容", textarea=True)
    respond_by = _date("要求办结日期")


class MoveForm(Form):
    planned_start = _date("新的计划开始日期")
    planned_due = _date("新的计划完成日期")
    reason = _text("调整理由")


class WorkLogForm(Form):
    day = _date("日期", required=True)
    content = forms.CharField(label="工作内容", required=False, max_length=2000,
                              widget=Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": "工作内容过长（最多 %(limit_value)d 字）"})


class VisitForm(Form):
    day = _date("到场日期", required=True)
    reason = _text("事由", max_length=200)
    item = forms.ChoiceField(label="相关事项", required=False, choices=[], widget=Select)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self.fields["item"]).choices = [("", "（不涉及具体事项）")] + [
            (i.catalog_item.code, f"{i.catalog_item.code} {i.catalog_item.name}") for i in items]


class SendReportForm(Form):
    """提前发送下一期进度反馈: nothing to fill in; the preview above the button is what is sent."""
