"""The coordination pages' forms. They check shapes only; the services judge content and answer in Chinese."""
from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from daiban.coordination.states import Tier
from daiban.lib.forms import choice_field, mark_required
from daiban.org.models import Department, Region, User
from daiban.org.roles import Role

WORKDAYS_ERRORS = {"invalid": "请填写工作日数（正整数）"}


def _workdays(label: str = "答复时限（工作日）", help_text: str = "") -> forms.IntegerField:
    field = forms.IntegerField(label=label, required=False, error_messages=WORKDAYS_ERRORS, help_text=help_text,
                               widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1}))
    mark_required(field)
    return field


def _text(label: str, *, required: bool = True, max_length: int = 2000, rows: int = 3,
          placeholder: str = "") -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows, "placeholder": placeholder}) if rows else forms.TextInput(
        attrs={"placeholder": placeholder})
    field = forms.CharField(label=label, required=False, max_length=max_length, widget=widget,
                            error_messages={"max_length": f"{label}过长（最多 %(limit_value)d 字）"})
    mark_required(field, required=required)
    return field


def department_choices(case=None) -> list:
    """The county's departments, those of the case's items first."""
    departments = list(Department.objects.select_related("region").order_by("region__code", "code"))
    involved = set(case.items.values_list("catalog_item__department_id", flat=True)) if case is not None else set()
    first = [(d.code, f"{d.name}（本案事项）") for d in departments if d.pk in involved]
    rest = [(d.code, d.name if d.region.level == Region.Level.COUNTY else f"{d.name}（{d.region.name}）")
            for d in departments if d.pk not in involved]
    return first + rest


def person_label(user: User) -> str:
    where = user.department.name if user.department else (user.body.name if user.body else "")
    return f"{user.display_name}（{user.title or where}）" if (user.title or where) else user.display_name


class IssueForm(forms.Form):
    title = _text("受阻的问题", max_length=100, rows=0, placeholder="如：地块东侧边界争议，影响规划许可申报")
    description = _text("受阻情况", required=False, max_length=4000, placeholder="写明卡在哪里、已做了哪些协调")
    item_code = forms.ChoiceField(label="涉及事项", required=False)
    blocks_item = forms.BooleanField(label="该问题阻碍所选事项的办理（事项上显示）", required=False)
    departments = forms.MultipleChoiceField(label="涉及部门", required=False, widget=forms.CheckboxSelectMultiple,
                                            error_messages={"invalid_choice": "没有代号为 %(value)s 的部门"})
    deadline_workdays = _workdays(help_text="涉及部门应在此期限内答复代办员，按工作日计算，当日不计入")

    def __init__(self, *args: Any, case=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_required(self.fields["departments"])
        choice_field(self.fields["departments"]).choices = department_choices(case)
        items = case.items.select_related("catalog_item") if case is not None else []
        choice_field(self.fields["item_code"]).choices = [("", "不针对具体事项")] + [
            (i.catalog_item.code, f"{i.catalog_item.code} {i.catalog_item.name}") for i in items]
        self.fields["item_code"].error_messages["invalid_choice"] = "本案没有该委托事项"


class EscalateForm(forms.Form):
    to_tier = forms.TypedChoiceField(label="升级到", coerce=int, error_messages={"invalid_choice": "请选择更高的层级"})
    reason = _text("升级理由", placeholder="本层级为何不能解决")
    skip_reason = _text("越级理由（越过中间层级时必填）", required=False)
    deadline_workdays = _workdays()
    to_department = forms.ChoiceField(label="审管部门（审管部门或政府一级）", required=False)
    to_government = forms.BooleanField(label="提请该级政府协调（审管部门或政府一级）", required=False)

    def __init__(self, *args: Any, current: int = 1, rungs=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["to_tier"]).choices = [(r.number, f"第{r.number}层级：{r.handler}（{r.label}）")
                                          for r in rungs if r.number > current]
        regions = [r.body.region_id for r in rungs if r.number > current and r.step == Tier.AUTHORITY]
        choice_field(self.fields["to_department"]).choices = [("", "默认：该级行政审批服务管理部门")] + [
            (d.code, d.full_name or d.name) for d in Department.objects.filter(region__in=regions)]


class RespondForm(forms.Form):
    text = _text("答复内容")


class ResolveForm(forms.Form):
    resolution = _text("解决方案", placeholder="协调结果：由谁、在何时、做什么")


class ConfirmForm(forms.Form):
    accepted = forms.TypedChoiceField(label="确认结果", coerce=lambda v: v == "yes", widget=forms.RadioSelect,
                                      choices=[("yes", "问题已解决，关闭"), ("no", "未解决，退回")],
                                      error_messages={"required": "请选择确认结果", "invalid_choice": "请选择确认结果"})
    note = _text("说明（退回时必填）", required=False, rows=2)


class ConsultForm(forms.Form):
    leader = forms.ChoiceField(label="会商领导（同级政府）", error_messages={"required": "请选择会商领导",
                                                                      "invalid_choice": "请选择同级政府领导"})
    question = _text("提请会商的问题")

    def __init__(self, *args: Any, leaders=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["leader"]).choices = [(u.username, f"{person_label(u)}（{government}）")
                                                       for u, government in leaders]


class DecideForm(forms.Form):
    decision = _text("会商决定")


class LinkedForm(forms.Form):
    item_code = forms.ChoiceField(label="在上级审批的事项", required=False,
                                  error_messages={"invalid_choice": "本案没有该委托事项"})
    to_body = forms.ChoiceField(label="上级代办机构", required=False,
                                choices=[("", "按事项的审批层级"), ("city", "温州市投资项目代办服务中心"),
                                         ("province", "浙江省投资项目代办服务中心")])
    subject = _text("请求协同办理的事项")
    deadline_workdays = _workdays("响应时限（工作日）", help_text="上级代办机构应在此期限内反馈")

    def __init__(self, *args: Any, case=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        items = case.items.select_related("catalog_item").exclude(catalog_item__level="county") if case else []
        choice_field(self.fields["item_code"]).choices = [("", "请选择")] + [
            (i.catalog_item.code, f"{i.catalog_item.code} {i.catalog_item.name}（{i.catalog_item.get_level_display()}）")
            for i in items]


class AcceptForm(forms.Form):
    note = _text("接收说明", required=False, rows=2)


class FeedbackForm(forms.Form):
    feedback = _text("反馈意见")
    resolves_issue = forms.BooleanField(label="作为协调问题的解决方案，交代办员确认", required=False)


def invitee_choices() -> list:
    people = (User.objects.filter(is_active=True, department__isnull=False)
              .filter(Q(department_head=True) | Q(role_grants__role=Role.LIAISON)).distinct()
              .select_related("department").order_by("-department_head", "department__code"))
    return [(u.username, person_label(u)) for u in people]


class MeetingForm(forms.Form):
    issues = forms.MultipleChoiceField(label="协调事项", required=False, widget=forms.CheckboxSelectMultiple,
                                       error_messages={"invalid_choice": "问题 %(value)s 不存在或已解决"})
    title = _text("会议名称", required=False, max_length=100, rows=0, placeholder="默认：项目名称 + 联审会商")
    agenda = _text("议程")
    held_at = forms.DateTimeField(label="会议时间", required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
                                  error_messages={"invalid": "请填写正确的会议时间"})
    place = _text("会议地点", max_length=100, rows=0)
    invitees = forms.MultipleChoiceField(label="邀请部门负责人（或分管负责人）", required=False,
                                         widget=forms.CheckboxSelectMultiple,
                                         error_messages={"invalid_choice": "没有用户名为 %(value)s 的部门人员"})
    chair = _text("主持人", required=False, max_length=30, rows=0)
    recorder = _text("记录人", required=False, max_length=30, rows=0)

    def __init__(self, *args: Any, issues=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["issues"]).choices = [(str(i.pk), f"{i.title}（{i.case.project.name}）") for i in issues]
        choice_field(self.fields["invitees"]).choices = invitee_choices()
        for name in ("issues", "held_at", "invitees"):
            mark_required(self.fields[name])


class RecordForm(forms.Form):
    chair = _text("主持人", required=False, max_length=30, rows=0)
    recorder = _text("记录人", required=False, max_length=30, rows=0)
    present = forms.MultipleChoiceField(label="出席人员", required=False, widget=forms.CheckboxSelectMultiple,
                                        error_messages={"invalid_choice": "%(value)s 不在邀请名单中"})
    discussion = _text("讨论情况", required=False, max_length=8000, rows=5)
    note = _text("备注", required=False, rows=2)

    def __init__(self, *args: Any, invitees=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self.fields["present"]).choices = [(i.user.username, f"{i.user.display_name}（{i.unit}）") for i in invitees]


class SignForm(forms.Form):
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64)


