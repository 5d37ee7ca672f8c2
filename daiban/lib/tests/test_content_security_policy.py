"""CSP: scripts only from our own static files; no template carries an inline script or event attribute."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

import daiban

TEMPLATES = sorted(Path(daiban.__file__).parent.rglob("templates/**/*.html"))
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
EVENT_ATTRIBUTE = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)


def directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/portal/", "/login/", "/api/v1/public/stats", "/api/v1/docs"])
def test_every_answer_forbids_inline_and_foreign_script(client, path):
    policy = directives(client.get(path)["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["default-src"] and "'unsafe-eval'" not in policy["script-src"]


def test_no_template_has_an_inline_script_or_an_event_attribute():
    assert TEMPLATES
    offenders = [f"{path.relative_to(Path(daiban.__file__).parent)}: {match.group(0)[:60]}"
                 for path in TEMPLATES for pattern in (INLINE_SCRIPT, EVENT_ATTRIBUTE)
                 for match in pattern.finditer(path.read_text())]
    assert offenders == []


def test_the_json_data_blocks_of_the_charts_are_allowed_because_they_are_not_script():
    assert not INLINE_SCRIPT.search('<script id="x" type="application/json">{}</script>')
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert EVENT_ATTRIBUTE.search('<select name="c" onchange="this.form.submit()">')
