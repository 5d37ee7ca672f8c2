"""The center's form for one catalog item: it parses input; the service checks and saves."""
from __future__ import annotations

from typing import Any

from django import forms

from daiban.catalog.models import CatalogItem
from daiban.catalog.services import EDITABLE_FIELDS, LIMIT_RANGE, limit_message
from daiban.lib.errors import ValidationFailed
from daiban.lib.forms import model_choice_field
from daiban.org.models import Department


class CatalogItemForm(forms.ModelForm):
    # What a change means for open cases that use the item (daiban/plans/catalog_changes.py).
    applies_to_planned = forms.TypedChoiceField(
        label="新时限是否适用于已排入计划的事项", required=False, empty_value=None,
        coerce=lambda value: value == "yes",
        choices=[("", "（时限未改，或没有在办案件使用）"), ("yes", "适用：重算在办案件的计划日期和办理期限"),
                 ("no", "不适用")])
    replacement = forms.CharField(label="停用时的替代事项编码", required=False, max_length=10,
                                  help_text="停用仍有在办案件使用的事项时填写，未派单的事项改为该事项")
    change_reason = forms.CharField(label="变更理由（记入各案件）", required=False, max_length=200)

    class Meta:
        model = CatalogItem
        fields = ["name", "department", "stage", "limit_workdays", "limit_source", "limit_note", "intermediary",
                  "owner_in_person", "in_person_note", "level", "optional", "prerequisites", "note", "materials",
                  "where_how", "active", "sort"]
        widgets = {
            "prerequisites": forms.CheckboxSelectMultiple,
            "materials": forms.Textarea(attrs={"rows": 6}),
            "where_how": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(kind__in=[Department.Kind.APPROVAL, Department.Kind.UTILITY])
        if self.instance.department_id:
            departments = departments | Department.objects.filter(pk=self.instance.department_id)
        model_choice_field(self.fields["department"]).queryset = departments.order_by("-region__code", "code")
        model_choice_field(self.fields["department"]).empty_label = None
        prerequisites = CatalogItem.objects.all()
        if self.instance.pk:
            prerequisites = prerequisites.exclude(pk=self.instance.pk)
        model_choice_field(self.fields["prerequisites"]).queryset = prerequisites
        # Checked here as well as in the service: the model's check constraint would otherwise answer
        # first, without naming the field.
        low, high = LIMIT_RANGE
        self.fields["limit_workdays"] = forms.IntegerField(
            label=CatalogItem._meta.get_field("limit_workdays").verbose_name, min_value=low, max_value=high,
            error_messages={"min_value": limit_message(), "max_value": limit_message(), "invalid": "请填写整数"})

    def validate_unique(self) -> None:
        """The service checks that a new code is unused, with a message that names the field."""

    def changes(self) -> dict[str, Any]:
        return {field: value for field, value in self.cleaned_data.items() if field in EDITABLE_FIELDS}

    def case_terms(self) -> dict[str, Any]:
        return {"applies_to_planned": self.cleaned_data.get("applies_to_planned"),
                "replacement": self.cleaned_data.get("replacement") or None,
                "reason": self.cleaned_data.get("change_reason") or ""}

    def show(self, refusal: ValidationFailed) -> None:
        """Puts the service's refusal next to the fields it names."""
        for field, message in refusal.errors.items():
            field = "change_reason" if field == "reason" else field
            self.add_error(field if field in self.fields else None, message)
