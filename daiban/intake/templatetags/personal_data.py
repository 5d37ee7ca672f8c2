"""Personal data on pages: `{{ value|mask:"phone" }}` and `{% reveal "request" row %}` (a button for
those who may see the full value; intake/personal.py)."""
from __future__ import annotations

from django import template

from daiban.intake.personal import can_reveal
from daiban.lib.personal import MASKS

register = template.Library()


@register.filter
def mask(value, kind: str = "name") -> str:
    return MASKS[kind](str(value or ""))


@register.inclusion_tag("intake/_reveal.html", takes_context=True)
def reveal(context, subject: str, obj) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"allowed": obj is not None and can_reveal(user, subject, obj), "subject": subject,
            "pk": getattr(obj, "pk", None), "csrf_token": context.get("csrf_token"), "next": request.path if request else ""}
