"""How each channel sends one notification. A sender returns on success and raises DeliveryError otherwise.

SMS go through an HTTP gateway run by the county's message platform; the contract is in docs/notify-gateway.md.
Every text sent outside the app ends with the absolute link of its page; an SMS starts with the signature
(settings.SMS_SIGNATURE).
"""
from __future__ import annotations

import json
from collections.abc import Callable

from django.conf import settings
from django.core.mail import EmailMessage

from daiban.lib import outbox
from daiban.lib.links import absolute_url
from daiban.notify.models import Notification

GATEWAY_TIMEOUT_SECONDS = 5


class DeliveryError(Exception):
    """Why a message could not be sent (Chinese: it is shown on the failures page)."""


def send_in_app(notification: Notification) -> None:
    """Nothing to send: the message is read in the app."""


def send_email(notification: Notification) -> None:
    address = notification.email
    if not address:
        raise DeliveryError("接收人没有登记电子邮件地址")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "daiban"
    message = EmailMessage(
        subject=notification.subject, body=message_text(notification), to=[address],
        # The same Message-ID on a retry lets the receiving server recognise a duplicate.
        headers={"Message-ID": f"<{notification.message_id}@{domain}>"},
    )
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # smtplib, socket and ssl errors all mean "not sent"
        raise DeliveryError(f"邮件发送失败：{exc}") from exc


def send_sms(notification: Notification) -> None:
    _post_to_gateway(settings.SMS_GATEWAY_URL, notification, "短信")


SENDERS: dict[str, Callable[[Notification], None]] = {
    Notification.Channel.IN_APP: send_in_app,
    Notification.Channel.EMAIL: send_email,
    Notification.Channel.SMS: send_sms,
}


def message_text(notification: Notification) -> str:
    """What the person reads: subject, body and the page's absolute link; an SMS begins with the signature."""
    text = f"{notification.subject}\n{notification.body}".strip()
    link = notification.private_link or notification.link
    if link:
        text += f"\n{absolute_url(link)}"
    if notification.channel == Notification.Channel.SMS and settings.SMS_SIGNATURE:
        text = settings.SMS_SIGNATURE + text
    return text


def _post_to_gateway(url: str, notification: Notification, label: str) -> None:
    if not url:
        raise DeliveryError(f"未配置{label}网关")
    mobile = notification.phone
    if not mobile:
        raise DeliveryError("接收人没有登记手机号码")
    payload = {"message_id": notification.message_id, "channel": notification.channel, "to": mobile,
               "text": message_text(notification)}
    headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
    if settings.GATEWAY_TOKEN:
        headers["Authorization"] = f"Bearer {settings.GATEWAY_TOKEN}"
    outbox.post(url, body=json.dumps(payload, ensure_ascii=False).encode(), headers=headers,
                timeout=GATEWAY_TIMEOUT_SECONDS, peer=f"{label}网关", failure=DeliveryError)
