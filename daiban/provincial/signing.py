"""Signing each report to the provincial platform, in the pattern of Zhejiang's government data platforms:
an app key, a timestamp, a one-time nonce and an HMAC-SHA256 signature over them and the body.

    string to sign = METHOD \\n PATH \\n APP_KEY \\n TIMESTAMP \\n NONCE \\n hex(SHA-256(body))
    X-App-Key: <app key>   X-Timestamp: <seconds since 1970>   X-Nonce: <32 hex>   X-Signature: hex(HMAC-SHA256)

The receiver refuses an unknown key, a timestamp more than MAX_SKEW_SECONDS away from its clock, a nonce it has
seen within that window and a signature that does not match (docs/provincial-platform.md).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlsplit

MAX_SKEW_SECONDS = 300


def string_to_sign(*, method: str, path: str, app_key: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, app_key, timestamp, nonce, digest]).encode()


def signature(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(*, url: str, body: bytes, app_key: str, secret: str, now: float | None = None,
                   nonce: str | None = None) -> dict[str, str]:
    """The four headers that sign one POST of `body` to `url`."""
    timestamp = str(int(now if now is not None else time.time()))
    nonce = nonce or secrets.token_hex(16)
    path = urlsplit(url).path or "/"
    message = string_to_sign(method="POST", path=path, app_key=app_key, timestamp=timestamp, nonce=nonce, body=body)
    return {"X-App-Key": app_key, "X-Timestamp": timestamp, "X-Nonce": nonce,
            "X-Signature": signature(secret, message)}


def verify(*, headers: dict[str, str], path: str, body: bytes, secrets_by_key: dict[str, str],
           seen_nonces: dict[str, float], now: float | None = None) -> str | None:
    """Why the signed request is refused (Chinese), or None when it is genuine. Remembers the nonce."""
    now = now if now is not None else time.time()
    key, stamp = headers.get("x-app-key", ""), headers.get("x-timestamp", "")
    nonce, given = headers.get("x-nonce", ""), headers.get("x-signature", "")
    if not (key and stamp and nonce and given):
        return "缺少签名请求头（X-App-Key、X-Timestamp、X-Nonce、X-Signature）"
    if key not in secrets_by_key:
        return "未知的 App Key"
    if not stamp.isdigit() or abs(now - int(stamp)) > MAX_SKEW_SECONDS:
        return f"时间戳与平台时间相差超过 {MAX_SKEW_SECONDS} 秒"
    for old, at in list(seen_nonces.items()):
        if now - at > 2 * MAX_SKEW_SECONDS:
            del seen_nonces[old]
    if nonce in seen_nonces:
        return "该 nonce 已使用过（疑似重放）"
    expected = signature(secrets_by_key[key], string_to_sign(method="POST", path=path, app_key=key, timestamp=stamp,
                                                             nonce=nonce, body=body))
    if not hmac.compare_digest(expected, given.lower()):
        return "签名不正确"
    seen_nonces[nonce] = now
    return None
