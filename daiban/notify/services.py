"""Queuing notifications (the outbox) and the few changes people make to them.

`notify` is called inside the caller's `transaction.atomic()` block, next to the change it reports:
the rows commit or roll back with that change, and the background worker (delivery.py) sends them
only once they exist. The cause is audited by the caller; queuing itself is not an audit event.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction

from daiban.audit.services import audit_record
from daiban.lib import clock
from daiban.lib.errors import NotFound
from daiban.lib.text import tidy
from daiban.notify.delivery import OUTBOX
from daiban.notify.models import Notification
from daiban.notify.rules import UNIT_BOUND, Rule, To, rule
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import Role

Channel = Notification.Channel
Status = Notification.Status

# Who watches deliveries and may send a failed one again.
DELIVERY_ADMIN_ROLES = (Role.CENTER_ADMIN, Role.SYS_ADMIN)


def default_channels(user) -> list[str]:
    """In-app always; email and SMS when the person has an address and the channel is set up."""
    channels: list[str] = [Channel.IN_APP]
    if user.email:
        channels.append(Channel.EMAIL)
    if getattr(user, "mobile", "") and settings.SMS_GATEWAY_URL:
        channels.append(Channel.SMS)
    return channels


def _reachable(user, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return bool(user.email)
    if channel == Channel.SMS:
        return bool(getattr(user, "mobile", ""))
    return True


def notify(
    *,
    recipients: Iterable,
    subject: str,
    body: str,
    link: str = "",
    case=None,
    channels: Iterable[str] | None = None,
    dedupe_key: str | None = None,
    event: str = "",
) -> list[Notification]:
    """Queue one message per recipient per channel, in the caller's transaction; returns the new rows.

    `channels=None` means `default_channels(user)`; an explicit channel the person has no address
    for (email, SMS, WeChat) is left out. With `dedupe_key`, each row's key is
    "<dedupe_key>:<user id>:<channel>" and a key already queued (by an earlier call) is skipped.
    In-app messages need no delivery: they are marked sent at once and appear when the caller commits.
    """
    wanted = None if channels is None else [Channel(c) for c in channels]
    subject, body = tidy(subject), tidy(body)
    now = clock.now()
    created: list[Notification] = []
    seen: set[int] = set()
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        for channel in default_channels(user) if wanted is None else wanted:
            if not _reachable(user, channel):
                continue
            row = Notification(
                recipient=user, channel=channel, subject=subject[:200], body=body, link=link[:300], event=event,
                case_id=getattr(case, "pk", case), created_at=now, next_attempt_at=now,
                dedupe_key=f"{dedupe_key}:{user.pk}:{channel}" if dedupe_key else None,
            )
            if channel == Channel.IN_APP:
                row.status, row.sent_at = Status.SENT, now
            if _insert(row):
                created.append(row)
    return created


def _insert(row: Notification) -> bool:
    if row.dedupe_key is None:
        row.save()
        return True
    if Notification.objects.filter(dedupe_key=row.dedupe_key).exists():
        return False
    try:
        # A savepoint, so that losing a race to a concurrent caller does not break their transaction.
        with transaction.atomic():
            row.save()
    except IntegrityError:
        return False
    return True


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """The recipient has read an in-app message. Reading it again changes nothing."""
    if actor is None or notification.recipient_id != actor.pk or notification.channel != Channel.IN_APP:
        raise NotFound("没有这条消息")
    if notification.status != Status.READ:
        now = clock.now()
        Notification.objects.filter(pk=notification.pk).exclude(status=Status.READ).update(
            status=Status.READ, read_at=now)
        notification.status, notification.read_at = Status.READ, now
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, channel=Channel.IN_APP, status=Status.SENT).update(
        status=Status.READ, read_at=clock.now())


def notification_resend(*, actor, notification: Notification) -> Notification:
    """Puts a failed (or stuck) delivery back in the queue with a fresh set of attempts."""
    require_role(actor, *DELIVERY_ADMIN_ROLES, action="notification_resend")
    with transaction.atomic():
        row, old = OUTBOX.requeue(notification.pk, missing="没有这条通知", already_sent="这条通知已发送，无需重新发送")
        audit_record(event_type="notify.resent", actor=actor, obj=row, old=old,
                     new={"status": row.status, "channel": row.channel, "recipient": row.recipient_id})
    return row


# -- the rule table's entry point ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """An owner without an account: the request's contact phone and e-mail (decrypted by the caller's model)."""

    phone: str = ""
    email: str = ""


def notify_event(
    event: str,
    *,
    values: Mapping[str, object],
    link: str,
    people: Mapping[To, Iterable] | None = None,
    unit=None,
    owner_contact: Contact | None = None,
    owner_link: str = "",
    secret_link: str = "",
    case=None,
    dedupe_key: str | None = None,
) -> list[Notification]:
    """Queue what the rule of `event` (rules.py) says, in the caller's transaction; returns the new rows.

    The one way the apps tell anyone anything. `people` gives the case's own people by audience; the others
    are found from `unit` and the organisation (`recipients_for`). The owner is reached on its accounts
    (`people[To.OWNER]`, at `owner_link`, by default `link`) or, without one, at `owner_contact` with the
    public progress page (tracking number and query code), or with `secret_link` (a one-time token, stored
    encrypted) when the message is that link.
    """
    row = rule(event)
    subject, body = row.render(dict(values))
    people = people or {}
    key = dedupe_key or None
    staff = recipients_for(row, people=people, unit=unit)
    common = {"subject": subject, "body": body, "case": case, "event": event}
    created = _queue(staff, channels=row.channels, link=link, dedupe_key=key, **common)
    if To.OWNER in row.to:
        owners = [u for u in people.get(To.OWNER, ()) if u is not None and u.is_active]
        if owners:
            created += _queue(owners, channels=OWNER_CHANNELS, link=owner_link or link, dedupe_key=key, **common)
        elif owner_contact is not None:
            created += _queue_contact(owner_contact, link="" if secret_link else OWNER_PAGE,
                                      secret_link=secret_link, dedupe_key=key, **common)
    return created


# The public page where a company follows its request with the tracking number and query code.
OWNER_PAGE = "/portal/progress/"
OWNER_CHANNELS = ("in_app", "email", "sms")


def recipients_for(row: Rule, *, people: Mapping[To, Iterable], unit=None) -> list:
    """The staff a rule reaches: the case's people as given, the rest from the organisation; a unit-bound
    audience that finds nobody active falls back to the county center's administrators."""
    found: list = []
    for audience in row.to:
        if audience == To.OWNER:
            continue
        if audience in people:
            users = [u for u in people[audience] if u is not None and u.is_active]
        else:
            users = _from_organisation(audience, unit)
        if not users and audience in UNIT_BOUND:
            users = _from_organisation(To.CENTER, None)
        found += users
    return list({u.pk: u for u in found}.values())


def _from_organisation(audience: To, unit) -> list:
    active = User.objects.filter(is_active=True)
    by_role = {To.CENTER: [Role.CENTER_ADMIN], To.LEADER: [Role.LEADER], To.INSPECTOR: [Role.INSPECTOR]}
    if audience in by_role:
        return list(active.filter(role_grants__role__in=by_role[audience]).distinct().order_by("pk"))
    in_unit = {To.UNIT_STAFF: [Role.AGENT, Role.UNIT_ADMIN], To.UNIT_ADMIN: [Role.UNIT_ADMIN],
               To.AGENT: [Role.AGENT], To.CHIEF_AGENT: [Role.CHIEF_AGENT]}
    if audience in in_unit and unit is not None:
        return list(active.filter(body=unit, role_grants__role__in=in_unit[audience]).distinct().order_by("pk"))
    return []


def _channels_for(channels: Iterable[str]) -> list[str]:
    return [c for c in channels if c != Channel.SMS or settings.SMS_GATEWAY_URL]


def _queue(users: list, *, channels, subject: str, body: str, link: str, case, event: str,
           dedupe_key: str | None) -> list[Notification]:
    return notify(recipients=users, subject=subject, body=body, link=link, case=case, event=event,
                  channels=_channels_for(channels), dedupe_key=f"{event}:{dedupe_key}" if dedupe_key else None)


def _queue_contact(contact: Contact, *, subject: str, body: str, link: str, secret_link: str, case, event: str,
                   dedupe_key: str | None) -> list[Notification]:
    now = clock.now()
    created = []
    wanted = [(Channel.EMAIL, contact.email.strip()), (Channel.SMS, contact.phone.strip())]
    for channel, address in wanted:
        if not address or channel not in _channels_for([channel]):
            continue
        row = Notification(
            recipient=None, channel=channel, subject=subject[:200], body=body, link=link[:300], event=event,
            private_link=secret_link,
            to_phone=address if channel == Channel.SMS else "", to_email=address if channel == Channel.EMAIL else "",
            case_id=getattr(case, "pk", case), created_at=now, next_attempt_at=now,
            dedupe_key=f"{event}:{dedupe_key}:contact:{channel}" if dedupe_key else None)
        if _insert(row):
            created.append(row)
    return created
