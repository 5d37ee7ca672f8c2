"""Who hears of a request: the company's owner accounts, or without one the request's contact (rules.py)."""
from __future__ import annotations

from daiban.intake.models import Request
from daiban.notify.rules import To
from daiban.notify.services import Contact


def owner_of(request: Request) -> tuple[dict, Contact]:
    """The owner audience for notify_event: its accounts (people) and the request's contact, decrypted."""
    owners = list(request.company.owner_users.filter(is_active=True)) if request.company_id else []
    return {To.OWNER: owners}, Contact(phone=request.contact_phone or "", email=request.contact_email or "")
