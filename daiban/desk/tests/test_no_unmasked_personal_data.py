"""A crawl of the seeded county as each role: no page, download or API answer carries a full mobile
number, except an owner's forms taken by someone who may reveal them (recorded: intake/personal.py)."""
from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from daiban.api import api
from daiban.cases.models import Case
from daiban.catalog.models import CatalogItem
from daiban.intake.models import Consultation, DirectoryEntry, Request
from daiban.org.models import User

# One account per role, the owner of a demo case, and nobody.
ROLES = ["center", "zxagent", "aojiang", "ajadmin", "chief", "fgj", "ajleader", "leader", "inspector",
         "sysadmin", "secadmin", "auditor", "owner1", None]
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
HREF = re.compile(r'href="([^"#]+)')
SKIPPED = ("/logout/", "/admin/logout/", "/static/", "/api/v1/docs")
PER_ROUTE, PER_ROLE = 2, 160
# Forms given to the owner carry its data in full; they leave only through owner_documents_release. Each
# version is addressed by its serial too: DJ… registration form, XY… agreement, BJ… completion, ZZ… termination
# form (the crawl reached the last two once the case page linked each version by serial).
OWNER_FORMS = re.compile(r"/documents/((registration|agreement|completion|termination)\.docx"
                         r"|(DJ|XY|BJ|ZZ)[0-9-]+/\d+\.docx)$|/archive\.zip$")


def _text(content: bytes) -> str:
    """What a reader of the answer sees: the text itself, or every part of an .xlsx/.docx/.zip without its tags."""
    if content[:2] != b"PK":
        return content.decode("utf-8", "replace")
    parts = []
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            parts.append(_text(data) if data[:2] == b"PK" else re.sub(r"<[^>]+>", "", data.decode("utf-8", "replace")))
    return "\n".join(parts)


def _body(answer) -> bytes:
    if answer.status_code != 200:
        return b""
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def _route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _crawl_pages(client) -> dict[str, bytes]:
    seen: dict[str, bytes] = {}
    per_route: Counter[str] = Counter()
    queue = deque(["/", "/portal/", "/policy/", "/catalog/", "/assessment/public/", "/admin/"])
    while queue and len(seen) < PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        route = _route(parts.path)
        if url in seen or route is None or parts.path.startswith(SKIPPED) or per_route[route] >= PER_ROUTE:
            continue
        per_route[route] += 1
        answer = client.get(url)
        seen[url] = _body(answer)
        if answer.status_code == 200 and answer.get("Content-Type", "").startswith("text/html"):
            for link in HREF.findall(seen[url].decode("utf-8", "replace")):
                target = urljoin(url, link.replace("&amp;", "&"))
                if target.startswith("/") and target not in seen:
                    queue.append(target)
    return seen


def _api_calls(values: dict[str, list[str]]) -> list[str]:
    calls = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        names = re.findall(r"{(\w+)}", path)
        combos = [path]
        for name in names:
            combos = [c.replace("{" + name + "}", str(v)) for c in combos for v in values.get(name, ["1", "2"])]
        calls += combos
    return calls


@pytest.fixture
def personal_numbers(demo) -> set[str]:
    numbers = {r.contact_phone for r in Request.objects.all()} | {d.contact_phone for d in DirectoryEntry.objects.all()}
    numbers |= {c.asker_phone for c in Consultation.objects.all()} | {u.mobile for u in User.objects.all()}
    return {n for n in numbers if n}


@pytest.mark.parametrize("username", ROLES)
def test_no_role_is_shown_a_full_mobile_number_anywhere(client, person, personal_numbers, username):
    if username:
        assert client.login(username)
    units = {}
    for case in Case.objects.order_by("pk"):
        units.setdefault(case.unit_id, case.pk)
    values = {"case_id": list(units.values())[:3], "request_id": list(Request.objects.values_list("pk", flat=True)[:2]),
              "kind": ["registration", "agreement", "plan"],
              "code": list(CatalogItem.objects.values_list("code", flat=True)[:1])}
    answers = _crawl_pages(client)
    for url in _api_calls(values):
        answer = client.get(url, headers={"Accept": "application/json"})
        answers[url] = _body(answer)
    assert len(answers) > 40, "the crawl found too little to prove anything"
    leaks = {}
    for url, content in answers.items():
        if not content or OWNER_FORMS.search(urlsplit(url).path):
            continue
        text = _text(content)
        found = set(MOBILE.findall(text)) | {n for n in personal_numbers if n in text}
        if found:
            leaks[url] = sorted(found)
    assert leaks == {}


@pytest.mark.parametrize("username", ["aojiang", "inspector", "leader"])
def test_every_page_and_answer_that_may_carry_personal_data_is_never_stored(client, person, api_as, username):
    assert client.login(username)
    case = Case.objects.order_by("pk").first()
    for url in ("/", f"/cases/{case.pk}/", f"/cases/requests/{case.request_id}/", "/assessment/ledger/",
                "/intake/consultations/", f"/assessment/supervision/{case.pk}/"):
        answer = client.get(url)
        assert "no-store" in answer.get("Cache-Control", ""), url
    assert "no-store" in api_as(username).get("cases")["Cache-Control"]
