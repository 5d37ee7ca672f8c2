"""The team ledger's forms. They check shapes; the services judge who may record what."""
from __future__ import annotations

from django import forms
from django.db.models import Model

from daiban.lib.forms import choice_field, mark_required, model_choice_field
from daiban.org.models import AgencyBody, User
from daiban.teams.models import TRAINING_KINDS, ConductKind, MeetingKind


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label="类型")
    body = forms.ModelChoiceField(label="组织机构", queryset=AgencyBody.objects.none(), empty_label=None,
                                  error_messages={"invalid_choice": "请选择本人可登记的代办机构"})
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "请填写日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    topic = forms.CharField(label="主题", max_length=120, required=False)
    location = forms.CharField(label="地点", max_length=80, required=False)
    host = forms.CharField(label="主持人/主讲人", max_length=60, required=False)
    hours = forms.CharField(label="学时（小时）", max_length=8, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 2 或 1.5"}))
    content = forms.CharField(label="内容（纪要）", required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args, section: str, bodies: list[AgencyBody], **kwargs):
        super().__init__(*args, **kwargs)
        kinds = TRAINING_KINDS if section == "trainings" else (MeetingKind.WORK_MEETING,)
        if section == "trainings":
            mark_required(self.fields["hours"])
        else:
            del self.fields["hours"]  # a work meeting has no hours
        choice_field(self.fields["kind"]).choices = [(k.value, k.label) for k in kinds]
        model_choice_field(self.fields["body"]).queryset = AgencyBody.objects.filter(pk__in=[b.pk for b in bodies])
        mark_required(self.fields["topic"], self.fields["content"])


class PersonField(forms.ModelChoiceField):
    """A person as the ledger names them: 姓名（代办机构，或职务、用户名）."""

    def label_from_instance(self, obj: Model) -> str:
        assert isinstance(obj, User), obj
        return f"{obj.display_name}（{obj.body.name if obj.body else obj.title or obj.username}）"


class RecordForm(forms.Form):
    person = PersonField(label="人员", queryset=User.objects.none(),
                                    error_messages={"required": "请选择人员",
                                                    "invalid_choice": "请选择本人可登记的人员"})
    kind = forms.ChoiceField(label="类型", choices=ConductKind.choices)
    decided_on = forms.DateField(label="决定日期", widget=forms.DateInput(attrs={"type": "date"}),
                                 error_messages={"required": "请填写决定日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    decided_by = forms.CharField(label="决定机关", max_length=80, required=False)
    doc_number = forms.CharField(label="文号", max_length=60, required=False)
    case = forms.CharField(label="相关案件（登记编号，可选）", max_length=20, required=False)
    body = forms.ModelChoiceField(label="代办机构（人员不属于代办机构时填写）", queryset=AgencyBody.objects.none(),
                                  required=False)
    reason = forms.CharField(label="事由", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                             help_text="考核结果、具体事实和依据")

    def __init__(self, *args, people: list[User], bodies: list[AgencyBody], **kwargs):
        super().__init__(*args, **kwargs)
        model_choice_field(self.fields["person"]).queryset = (
            User.objects.filter(pk__in=[p.pk for p in people]).select_related("body"))
        model_choice_field(self.fields["body"]).queryset = AgencyBody.objects.filter(pk__in=[b.pk for b in bodies])
        mark_required(self.fields["reason"])
