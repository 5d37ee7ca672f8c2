"""The notification rule table, row by row: event → recipients → channels → text with the absolute link."""
from __future__ import annotations

import pytest
from django.test import override_settings

from daiban.notify.channels import message_text
from daiban.notify.models import Notification
from daiban.notify.rules import RULES, URGENT, To, tidy
from daiban.notify.services import Contact, notify_event
from daiban.org.models import AgencyBody

Channel = Notification.Channel
PUBLIC = "https://daiban.example.gov.cn"
OWNER = "contact"  # the owner without an account, reached at the request's phone and e-mail

# Written out by hand from the issue: who must hear of each event (鳌江镇's case; fgj is the item's liaison
# officer, aojiang the agent, chief the chief agent, ajleader the supervisor, zrj the person handling an issue).
EXPECTED: dict[str, set[str]] = {
    "request.received": {"aojiang", "ajadmin"},
    "request.received_owner": {OWNER},
    "request.unassigned": {"center"},
    "request.first_contact_overdue": {"aojiang", "ajadmin"},
    "request.accepted": {OWNER},
    "request.refused": {OWNER},
    "case.plan_made": {OWNER, "aojiang"},
    "item.dispatched": {"fgj"},
    "item.warning": {"fgj", "aojiang"},
    "item.overdue": {"fgj", "aojiang", "ajadmin"},
    "item.overdue_center": {"center", "chief", "ajleader"},
    "item.paused": {"aojiang", OWNER},
    "item.resumed": {"aojiang", "fgj"},
    "item.refused": {"aojiang", "chief", OWNER},
    "item.withdrawn": {"aojiang", "chief", "fgj", OWNER},
    "item.local_done": {"aojiang", "fgj"},
    "item.report_up_due": {"fgj"},
    "item.report_up_late": {"fgj", "aojiang", "chief", "ajadmin"},
    "item.reported_up": {"aojiang"},
    "item.urged": {"fgj"},
    "item.next_step": {"aojiang", "chief", OWNER},
    "item.beyond_practice": {"aojiang"},
    "issue.raised": {"zrj"},
    "issue.escalated": {"zrj"},
    "issue.answered": {"aojiang"},
    "issue.resolution_proposed": {"aojiang"},
    "issue.confirmed": {"zrj"},
    "issue.reopened": {"zrj"},
    "issue.consultation": {"leader"},
    "linked.sent": {"zrj"},
    "linked.accepted": {"zrj"},
    "linked.answered": {"zrj"},
    "meeting.called": {"zrj"},
    "meeting.record_to_sign": {"zrj"},
    "meeting.signature_voided": {"zrj"},
    "meeting.all_signed": {"zrj"},
    "resolution.done": {"zrj", "aojiang"},
    "coordination.deadline": {"zrj"},
    "case.progress_report": {OWNER},
    "case.completed": {OWNER, "aojiang"},
    "case.terminated": {"aojiang", "ajadmin", OWNER},
    "case.terminated_items": {"fgj"},
    "case.filing_due": {"aojiang", "ajadmin"},
    "case.filing_late": {"aojiang", "ajadmin", "center"},
    "case.backfill_to_confirm": {"ajadmin"},
    "case.evaluation_link": {OWNER},
    "visit.scheduled": {"zrj"},
    "case.evaluated": {"aojiang", "ajadmin"},
    "bad_review.opened": {"zrj"},
    "bad_review.verified": {"zrj"},
    "bad_review.appeal_reviewed": {"zrj"},
    "bad_review.deadline": {"zrj"},
    "fee.alert": {"inspector"},
}


def test_every_rule_has_its_expected_recipients_written_out():
    assert set(EXPECTED) == set(RULES)


def _people(person) -> dict:
    return {To.LIAISON: [person("fgj")], To.AGENT: [person("aojiang")], To.CHIEF_AGENT: [person("chief")],
            To.SUPERVISOR: [person("ajleader")], To.HANDLER: [person("zrj")], To.LEADER: [person("leader")],
            To.OWNER: []}


def _reached(rows) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for row in rows:
        found.setdefault(row.recipient.username if row.recipient else OWNER, set()).add(row.channel)
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("event", sorted(RULES))
@override_settings(PUBLIC_URL=PUBLIC, SMS_GATEWAY_URL="http://127.0.0.1:9/sms", SMS_SIGNATURE="【平阳县代办中心】")
def test_each_rule_tells_its_people_on_its_channels_with_the_absolute_link(event, person):
    rule = RULES[event]
    values = {name: f"〔{name}〕" for name in rule.needs}
    unit = AgencyBody.objects.get(region__name="鳌江镇", kind=AgencyBody.Kind.UNIT)
    rows = notify_event(event, values=values, link="/cases/7/", people=_people(person), unit=unit,
                        owner_contact=Contact(phone="13905779999", email="owner@example.com"), dedupe_key="t")
    reached = _reached(rows)
    assert set(reached) == EXPECTED[event]
    for who, channels in reached.items():
        if who == OWNER:
            assert channels == {Channel.EMAIL, Channel.SMS}
        else:
            assert Channel.IN_APP in channels
            assert (Channel.SMS in channels) == (rule.channels == URGENT)
    for row in rows:
        text = message_text(row)
        assert row.event == event
        assert all(value in text for value in values.values())
        if row.recipient is None:
            assert f"{PUBLIC}/portal/progress/" in text
        else:
            assert f"{PUBLIC}/cases/7/" in text
        if row.channel == Channel.SMS:
            assert text.startswith("【平阳县代办中心】")
        assert "。。" not in text and "业主业主" not in text
    # The same cause again queues nothing twice.
    again = notify_event(event, values=values, link="/cases/7/", people=_people(person), unit=unit,
                         owner_contact=Contact(phone="13905779999", email="owner@example.com"), dedupe_key="t")
    assert again == []


@pytest.mark.django_db
def test_a_unit_with_nobody_falls_back_to_the_center(person):
    haixi = AgencyBody.objects.get(region__name="海西镇", kind=AgencyBody.Kind.UNIT)
    rows = notify_event("request.received", values={"project": "p", "company": "c", "source": "网上", "due": "d",
                                                     "contact_rule": "1个工作日内"},
                        link="/cases/requests/1/", unit=haixi)
    assert {r.recipient.username for r in rows} == {"center"}


@pytest.mark.django_db
def test_an_owner_with_an_account_is_told_on_the_account_not_at_the_contact(person):
    from daiban.org.services import user_create

    owner = user_create(actor=None, username="rule_owner", password="Owner-pass-2026!", full_name="业主甲",
                        mobile="13905778888")
    rows = notify_event("request.accepted", values={"project": "p", "unit": "鳌江镇"}, link="/cases/1/",
                        people={To.OWNER: [owner]}, owner_contact=Contact(phone="13905779999"))
    assert {r.recipient for r in rows} == {owner}
    assert all(r.to_phone == "" for r in rows)


@pytest.mark.django_db
def test_the_contact_phone_is_stored_encrypted_and_read_back_plain(person):
    [row] = notify_event("request.refused", values={"project": "p", "reason": "不在县域"}, link="/x/",
                         owner_contact=Contact(email="owner@example.com"))
    assert Notification.objects.get(pk=row.pk).to_email == "owner@example.com"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_email FROM notify_notification WHERE id = %s", [row.pk])
        assert "owner@example.com" not in cursor.fetchone()[0]


@pytest.mark.parametrize("text, clean", [
    ("终止原因：业主申请，项目变更。。", "终止原因：业主申请，项目变更。"),
    ("业主业主申请终止", "业主申请终止"),
    ("理由：材料不全。。。", "理由：材料不全。"),
])
def test_doubled_words_and_stops_are_tidied(text, clean):
    assert tidy(text) == clean


def test_the_documented_table_lists_every_rule_with_its_people():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[3] / "docs" / "notifications.md").read_text()
    for rule in RULES.values():
        line = next((x for x in docs.splitlines() if x.startswith(f"| `{rule.event}` |")), "")
        assert line, f"docs/notifications.md has no row for {rule.event}"
        assert all(audience.label in line for audience in rule.to) and rule.body in line


@pytest.mark.django_db
def test_the_demo_county_shows_a_notification_of_every_rule(demo):
    from daiban.desk import demo as demo_step

    demo_step.load(password="")
    demo_step.load(password="")  # a second run adds nothing
    handler_rules = sum(To.HANDLER in rule.to for rule in RULES.values())
    assert Notification.objects.filter(dedupe_key__contains=":demo:", recipient__username="zrj").count() == handler_rules
    shown = set(Notification.objects.filter(dedupe_key__contains=":demo:").values_list("event", flat=True))
    assert shown == set(RULES)
    owner1 = Notification.objects.filter(recipient__username="owner1", event="request.received_owner")
    assert owner1.filter(channel=Channel.IN_APP).exists()


def test_every_demo_notification_links_to_a_page_its_recipient_can_open(demo, client, settings):
    """Not the bare case list: the page of the case, request, issue, meeting or review each example is about,
    made absolute with DAIBAN_PUBLIC_URL in the API as real messages are."""
    from daiban.desk import demo as demo_step
    from daiban.lib.links import absolute_url

    settings.PUBLIC_URL = PUBLIC
    demo_step.load(password="")
    examples = Notification.objects.filter(dedupe_key__contains=":demo:", channel=Channel.IN_APP)
    pairs = sorted(set(examples.values_list("recipient__username", "link")))
    assert pairs and all(link.startswith("/") and link != "/cases/" for _, link in pairs)
    assert {absolute_url(link) for _, link in pairs} == {PUBLIC + link for _, link in pairs}
    pages = {link.split("/")[1] + "/" + link.split("/")[2] for _, link in pairs}
    assert {"cases/requests", "coordination/issues", "coordination/linked"} <= pages
    assert any(link.startswith("/goodbad/") for _, link in pairs)
    unopened = []
    for username, link in pairs:
        client.logout()
        assert client.login(username)
        answer = client.get(link)
        owner_sent_to_login = username == "owner1" and answer.status_code == 302 and "login" in answer["Location"]
        if answer.status_code != 200 and not owner_sent_to_login:
            unopened.append((username, link, answer.status_code))
    assert unopened == []


def test_no_app_queues_a_message_outside_the_rule_table():
    """notify_event is the one entry point: no module outside daiban/notify (tests aside) calls the outbox's
    lower-level notify() with its own recipients and words."""
    import re
    from pathlib import Path

    package = Path(__file__).resolve().parents[2]
    direct = re.compile(r"(?<![\w.])notify\(|import notify\b|import notify as|services import .*\bnotify\b(?!_)")
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if "notify" not in path.relative_to(package).parts[:1] and "tests" not in path.parts
                 and direct.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
