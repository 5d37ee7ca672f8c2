"""The plan's text, date and choice fields and their error lists, written out in Python as Django's form templates write
them. The plan page of a case in progress holds some fifty fields in its items' forms: rendered one by one through
the template engine (input.html, attrs.html, the error lists), they took a quarter of the page's time
(bench/README.md, the plan page). tests/test_widgets.py holds every form of the page to what the templates render.
"""
from __future__ import annotations

from django import forms
from django.forms.utils import ErrorList
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


def _attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    return "".join(f" {conditional_escape(name)}" if value is True else
                   f' {conditional_escape(name)}="{conditional_escape(value)}"'
                   for name, value in attrs.items() if value is not False)


class _Input:
    """django/forms/widgets/input.html, stripped as the form renderer strips what it renders."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        return mark_safe(f'<input type="{conditional_escape(widget["type"])}" '
                         f'name="{conditional_escape(widget["name"])}"{shown}{_attributes(widget["attrs"])}>')


class TextInput(_Input, forms.TextInput):
    pass


class DateInput(_Input, forms.DateInput):
    pass


class Textarea(forms.Textarea):
    """django/forms/widgets/textarea.html"""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(widget["value"]) if widget["value"] else ""
        return mark_safe(f'<textarea name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>\n'
                         f"{text}</textarea>")


class Select(forms.Select):
    """django/forms/widgets/select.html and select_option.html"""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>']
        for group, options, _ in widget["optgroups"]:
            if group:
                parts.append(f'\n  <optgroup label="{conditional_escape(group)}">')
            parts += [f'\n  <option value="{conditional_escape(option["value"])}"{_attributes(option["attrs"])}>'
                      f'{conditional_escape(option["label"])}</option>\n' for option in options]
            if group:
                parts.append("\n  </optgroup>")
        return mark_safe("".join(parts) + "\n</select>")


class Errors(ErrorList):
    """An error list that renders nothing when empty without asking the template (which renders nothing too)."""

    def render(self, template_name=None, context=None, renderer=None) -> SafeString:
        return super().render(template_name, context, renderer) if self else SafeString("")

    __str__ = render
    __html__ = render

