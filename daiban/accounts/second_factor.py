"""The second factor: a TOTP authenticator (django-otp) and one-time recovery codes.

A code is accepted once (a TOTP step never twice, a recovery code is used up) and only while fresh
(the previous, current or next 30-second step; OTP_TOTP_SYNC is off, so the window never slides).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from base64 import b32encode

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from daiban.accounts.models import RecoveryCode
from daiban.org.models import User

RECOVERY_CODES = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
DEVICE_NAME = "手机验证器"


class Factor:
    """How the second step of a login was made; kept in the session and in the audit event."""

    TOTP = "totp"
    RECOVERY = "recovery"
    NONE = "none"  # an account that needs no second factor (an owner, or optional and not set up)
    DEMO = "demo"  # a demo account while DAIBAN_DEBUG is on
    PROVIDER = "provider"  # single sign-on whose provider vouched for its own second factor (DAIBAN_OIDC_MFA_*)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def enrolment_device(user: User) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device, kept across reloads of the page."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app takes it by hand: base32 in groups of four."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1f2937")


def normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()[:32]


def totp_matches(device: TOTPDevice, code: str) -> bool:
    """Checks a 6-digit code against the device (row locked by the caller's transaction)."""
    code = normalise(code)
    return len(code) == device.digits and code.isdigit() and device.verify_token(code)


def _digest(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), normalise(code).encode(), hashlib.sha256).hexdigest()


def recovery_code_use(user: User, code: str) -> bool:
    """Uses up a recovery code of the user's; False if there is no such unused code."""
    code = normalise(code)
    if len(code) != 12:
        return False
    row = RecoveryCode.objects.select_for_update().filter(user=user, digest=_digest(code)).first()
    if row is None:
        return False
    row.delete()
    return True


def recovery_codes_make(user: User) -> list[str]:
    """Replaces the user's recovery codes with new ones; the plain codes exist only in the answer."""
    codes = ["".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(12)) for _ in range(RECOVERY_CODES)]
    RecoveryCode.objects.filter(user=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(user=user, digest=_digest(code)) for code in codes)
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in codes]


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user).count()
