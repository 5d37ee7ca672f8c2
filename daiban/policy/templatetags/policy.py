"""{% load policy %}: links from other pages to the guides and policies.

    {% guide_url item.code %}                          → /catalog/L05/
    {% guides_for c.question c.answer as guides %}     → catalog items the texts mention
    {% consultation_references c as refs %}            → [{kind_label, title, url}, …] linked to a consultation
    {{ snippet|highlight:terms }}                      → the terms wrapped in <mark>
"""
from __future__ import annotations

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from daiban.policy import guides, selectors

register = template.Library()


@register.simple_tag
def guide_url(code: str) -> str:
    return guides.guide_url(code)


@register.simple_tag
def guides_for(*texts: str) -> list:
    return guides.guides_for_text("\n".join(t for t in texts if t))


@register.simple_tag
def consultation_references(consultation) -> list[dict]:
    return selectors.references_for(consultation)


@register.filter
def highlight(text: str, terms) -> SafeString:
    escaped = escape(text or "")
    words = sorted({escape(t) for t in (terms or ()) if t}, key=len, reverse=True)
    if not words:
        return escaped
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return mark_safe(pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped))  # noqa: S308 (escaped above)
