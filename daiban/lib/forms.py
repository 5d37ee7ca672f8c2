"""What every page's form does with a service's refusal of its input."""
from __future__ import annotations

from django import forms

from daiban.lib.errors import ValidationFailed


def show_refusal(form: forms.Form, refusal: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    """Puts a service's ValidationFailed next to the fields it names; unknown names become non-field errors."""
    for field, message in refusal.errors.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, message)


# django-stubs types `form.fields[name]` as the base Field: these give back the kind the form declared (checked).
def choice_field(field: forms.Field) -> forms.ChoiceField:
    assert isinstance(field, forms.ChoiceField), field
    return field


def model_choice_field(field: forms.Field) -> forms.ModelChoiceField:
    assert isinstance(field, forms.ModelChoiceField), field
    return field


def mark_required(*fields: forms.Field, required: bool = True) -> None:
    """Shown with an asterisk (cases/_field.html) while the form itself accepts a blank: the service reports what
    is missing, in one place for the page and the API."""
    for field in fields:
        field.marked_required = required  # type: ignore[attr-defined]  # an attribute of ours the template reads
