"""Typed readers for settings taken from the environment.

Each reader fails loudly (ImproperlyConfigured) on a value it cannot parse, so that a typo in a
deployment stops the process at start-up instead of running with a silent default.
"""
from __future__ import annotations

import os
from ipaddress import IPv4Network, IPv6Network, ip_network

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_secret(name: str, *, debug: bool, dev_default: str, min_length: int = 16) -> str:
    """A secret that may fall back to a development value only when DEBUG is on."""
    value = os.environ.get(name)
    if value is None or value == "":
        if debug:
            return dev_default
        raise ImproperlyConfigured(f"{name} must be set when DAIBAN_DEBUG is off")
    if len(value) < min_length:
        raise ImproperlyConfigured(f"{name} must be at least {min_length} characters long")
    return value


def env_url(name: str, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    """An optional URL ("" when unset); any other scheme (file:, ftp:) is refused."""
    value = (os.environ.get(name) or "").strip()
    scheme, separator, rest = value.partition("://")
    if value and not (separator and rest and scheme.lower() in schemes):
        raise ImproperlyConfigured(f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}")
    return value


def env_networks(name: str, default: str) -> tuple[IPv4Network | IPv6Network, ...]:
    """Comma-separated networks in CIDR notation (a bare address is a network of one)."""
    value = env_str(name, default) or ""
    networks = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list networks such as 10.0.0.0/8, got {part!r}") from None
    return tuple(networks)
