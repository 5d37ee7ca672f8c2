"""Permission first on the pages (issue 10 §5): every staff page that takes a POST, found in the URL conf, is posted
to by people without rights on its object — with an empty body and with a body of nonsense — and answers 403 or
404 (405 where the page takes no POST at all): never a form error, a conflict message or a success that would tell
them the object's state, and nothing is written."""
from __future__ import annotations

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from daiban.audit.models import AuditEvent
from daiban.cases.models import Case, CaseItem

pytestmark = pytest.mark.django_db

# Not staff pages: the login steps, the public portal and evaluation link, health checks, the admin (walked by
# accounts/tests/test_separation_of_duties.py) and the API (attack/tests/test_permission_first.py).
NOT_STAFF = ("admin/", "api/", "^api/", "login/", "logout/", "portal/", "healthz", "readyz", "closure/evaluate/",
             "assessment/public/")
# Pages each person may post to on their own behalf, whatever the object: their own account, notifications and
# searches, and revealing personal data (refused inside when not theirs to reveal — tested in intake).
OWN = ("accounts/", "accounts/password/", "accounts/second-factor/", "notify/read-all/", "search/", "policy/search/",
       "intake/reveal/", "assessment/exports/")
# People with no rights on the 鳌江镇 demo case and its objects. Another unit's staff may still create things of
# their own (a request, a consultation, a meeting), so they are tried on the pages of an object only.
OUTSIDERS = ("kunyang", "kyadmin", "zrj", "inspector", "leader", "auditor", "sysadmin", "owner2")
OTHER_UNIT = ("kunyang", "kyadmin")
# Pages that are the very work of one of those people (not the 鳌江镇 case's): the leader supervises, the audit
# administrator verifies the trail, the system administrator keeps the calendar, the catalog and the outboxes.
THEIR_OWN = {"leader": ("assessment/supervision/", "assessment/supervision/<int:pk>/"),
             "auditor": ("audit/", "audit/verify/", "audit/verify/<int:pk>/"),
             "sysadmin": ("calendar/", "catalog/<str:code>/edit/", "notify/failures/<int:pk>/resend/",
                          "provincial/<int:pk>/replay/", "ops/")}


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    return [route for route in walk(get_resolver().url_patterns)
            if route and not route.startswith(NOT_STAFF) and route not in OWN]


def objects() -> dict[str, str]:
    """The 鳌江镇 demo case and the objects around it, by the route's parameter."""
    from daiban.audit.models import VerifyRun
    from daiban.coordination.models import Issue, LinkedRequest, Meeting
    from daiban.goodbad.models import BadReview
    from daiban.notify.models import Notification
    from daiban.org.models import User
    from daiban.policy.models import Article
    from daiban.provincial.models import ProvincialMessage
    from daiban.teams.models import TeamMeeting

    case = Case.objects.get(request__idempotency_key="demo-1")
    item = CaseItem.objects.get(case=case, catalog_item__code="L05")  # 生态环境局's: none of the outsiders'

    def first(queryset) -> str:
        row = queryset.order_by("pk").first()
        return str(row.pk) if row else "999999"

    return {
        "cases/requests/<int:pk>": str(case.request_id), "cases/<int:pk>": str(case.pk),
        "closure/cases/<int:pk>": str(case.pk), "assessment/supervision/<int:pk>": str(case.pk),
        "<int:case_id>": str(case.pk), "plans/cases/<int:case_id>/items/<slug:code>": item.catalog_item.code,
        "catalog/<str:code>": "L05", "coordination/issues/<int:pk>": first(Issue.objects.filter(case=case)),
        "coordination/linked/<int:pk>": first(LinkedRequest.objects.filter(case=case)),
        "coordination/meetings/<int:pk>": first(Meeting.objects.filter(case=case)),
        "accounts/manage/<int:pk>": str(User.objects.get(username="aojiang").pk),
        "notify/<int:pk>": first(Notification.objects.filter(recipient__username="aojiang")),
        "notify/failures/<int:pk>": first(Notification.objects.all()),
        "goodbad/<int:pk>": first(BadReview.objects.all()), "provincial/<int:pk>": first(ProvincialMessage.objects),
        "policy/<int:article_id>": first(Article.objects), "teams/meetings/<int:meeting_id>": first(TeamMeeting.objects),
        "<slug:kind>": "plan", "<slug:action>": "unlock", "<slug:by>": "unit", "<int:key>": str(case.unit_id),
        "<uuid:pk>": str(uuid.uuid4()), "<int:report_id>": "1", "<str:token>": "x",
        "<str:serial>": case.documents.order_by("pk").values_list("serial_no", flat=True).first() or "X",
        "<int:version>": "1", "audit/verify/<int:pk>": first(VerifyRun.objects),
    }


def url_of(route: str, values: dict[str, str]) -> str:
    """Each parameter by the route up to it ("cases/<int:pk>"), else by the parameter alone ("<slug:kind>")."""
    url = route
    for match in reversed(list(re.finditer(r"<[^>]+>", route))):
        value = values.get(route[:match.end()], values.get(match.group()))
        url = url[:match.start()] + value + url[match.end():]
    return "/" + url


def writes() -> int:
    return AuditEvent.objects.exclude(event_type="access.refused").count()


@pytest.mark.parametrize("username", OUTSIDERS)
def test_someone_without_rights_learns_nothing_from_posting_to_any_staff_page(client, username):
    assert client.login(username)
    values = objects()
    answers, tried = {}, 0
    for route in routes():
        if (username in OTHER_UNIT and "<" not in route) or route in THEIR_OWN.get(username, ()):
            continue
        url = url_of(route, values)
        tried += 1
        for body in ({}, {"action": "x", "reason": "\x00", "started_on": "9999-99-99", "code": "?" * 400}):
            before = writes()
            answer = client.post(url, body)
            if answer.status_code not in (403, 404, 405) or writes() != before:
                answers[f"{url} {sorted(body)}"] = (answer.status_code, answer.get("Location", ""), writes() - before)
    assert tried > 40 and answers == {}
