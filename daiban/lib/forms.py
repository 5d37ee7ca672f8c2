"""What every page's form does with a service's refusal of its input."""
from __future__ import annotations

from django import forms

from daiban.lib.errors import ValidationFailed


def show_refusal(form: forms.Form, refusal: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    """Puts a service's ValidationFailed next to the fields it names; unknown names become non-field errors."""
    for field, message in refusal.errors.items():
        field = (aliases or {}).get(field, field)
        form.add_error(field if field in form.fields else None, message)
