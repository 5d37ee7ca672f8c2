"""The center's form for one catalog item: it parses input; the service checks and saves."""
from __future__ import annotations

from typing import Any

from django import forms

from daiban.catalog.models import CatalogItem
from daiban.catalog.services import EDITABLE_FIELDS, LIMIT_RANGE, limit_message
from daiban.lib.errors import ValidationFailed
from daiban.org.models import Department


class CatalogItemForm(forms.ModelForm):
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
        self.fields["department"].queryset = departments.order_by("-region__code", "code")
        self.fields["department"].empty_label = None
        prerequisites = CatalogItem.objects.all()
        if self.instance.pk:
            prerequisites = prerequisites.exclude(pk=self.instance.pk)
        self.fields["prerequisites"].queryset = prerequisites
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

    def show(self, refusal: ValidationFailed) -> None:
        """Puts the service's refusal next to the fields it names."""
        for field, message in refusal.errors.items():
            self.add_error(field if field in self.fields else None, message)
