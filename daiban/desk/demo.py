"""The demo step on top of the apps: one example message of every notification rule, each linking to the page of
the demo thing it is about (the case demo-1 and its request, issue, linked request and meeting (the issue while the demo has
none); demo-5's bad review).

It sits above cases, coordination, goodbad and notify so that it may read them all (notify may not import them);
seed_demo runs it after the county is loaded. The paths are the ones the real messages carry (see each app's
services); the API and e-mail make them absolute with DAIBAN_PUBLIC_URL.
"""
from __future__ import annotations

from daiban.cases.models import Case
from daiban.coordination.models import Issue, LinkedRequest, Meeting
from daiban.goodbad.models import BadReview
from daiban.notify import demo as notify_demo
from daiban.notify.rules import RULES


def load(password: str) -> None:  # noqa: ARG001  (the accounts already exist)
    case = Case.objects.select_related("request").filter(request__idempotency_key="demo-1").first()
    if case is None:
        return
    notify_demo.load(links=demo_links(case))


def demo_links(case: Case) -> dict[str, str]:
    """Event → path of the page its example is about; the case's own page where the demo has nothing nearer."""
    case_page = f"/cases/{case.pk}/"
    issue = Issue.objects.filter(case=case).order_by("pk").first()
    linked = LinkedRequest.objects.filter(case=case).order_by("pk").first()
    meeting = Meeting.objects.filter(case=case).order_by("pk").first()
    review = BadReview.objects.order_by("pk").first()
    issue_page = f"/coordination/issues/{issue.pk}/" if issue else case_page
    # The demo convenes no meeting yet: its messages show the issue a meeting would take up.
    meeting_page = f"/coordination/meetings/{meeting.pk}/" if meeting else issue_page
    near = {
        "request": f"/cases/requests/{case.request.pk}/",
        "issue": issue_page,
        "coordination": issue_page,
        "linked": f"/coordination/linked/{linked.pk}/" if linked else case_page,
        "meeting": meeting_page,
        "resolution": meeting_page,
        "bad_review": f"/goodbad/{review.pk}/" if review else case_page,
        "fee": "/closure/fee-alerts/",
    }
    return {event: near.get(event.split(".")[0], case_page) for event in RULES}
