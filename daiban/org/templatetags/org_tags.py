"""Pieces of the organisation on the pages."""
from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def unit_options(units: list[tuple[int, str]], chosen: int | None) -> str:
    """The <option>s of a unit filter (org.selectors.unit_choices), `chosen` selected: written at once, as a
    province's 289 units through the template's loop cost more than a list page's rows."""
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((pk, mark_safe(" selected") if pk == chosen else "", name) for pk, name in units))
