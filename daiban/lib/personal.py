"""Personal data at rest: AES-256-GCM encryption, keyed look-up hashes and masks.

Mobile numbers, contact names, the names of legal representatives and addresses are stored
encrypted (`EncryptedCharField`); the key comes from DAIBAN_DATA_KEY and never from the database,
so a copy of the database or a backup shows no one's number. Where a value must be found again
(the same phone on a second request, a search by exact number) a `LookupHashField` keeps an HMAC of
the normalised value under a second key derived from the same secret.

Every value is shown masked (138****1234, 张*) unless a person with the right to see it asks for it
(daiban/org/personal.py records that as an audit event).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"
_NONCE_BYTES = 12


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[AESGCM, bytes]:
    material = HKDF(algorithm=hashes.SHA256(), length=64, salt=None,
                    info=b"daiban personal data v1").derive(secret.encode("utf-8"))
    return AESGCM(material[:32]), material[32:]


def encrypt(plaintext: str, *, purpose: str) -> str:
    """`purpose` (the field's label) is bound to the ciphertext: a value moved to another column fails."""
    cipher, _ = _keys(settings.DATA_KEY)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = cipher.encrypt(nonce, plaintext.encode("utf-8"), purpose.encode("ascii"))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, *, purpose: str) -> str:
    cipher, _ = _keys(settings.DATA_KEY)
    raw = base64.urlsafe_b64decode(token[len(PREFIX):].encode("ascii"))
    try:
        return cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], purpose.encode("ascii")).decode("utf-8")
    except InvalidTag:
        raise ImproperlyConfigured(f"cannot decrypt {purpose}: DAIBAN_DATA_KEY is not the key it was written with") from None


def is_encrypted(stored: str | None) -> bool:
    return stored is not None and stored.startswith(PREFIX)


def lookup_hash(value: str, *, kind: str) -> str:
    """A keyed hash of the normalised value, equal for equal values of one kind ("phone", "name")."""
    normalised = normalise(value, kind=kind)
    if not normalised:
        return ""
    _, key = _keys(settings.DATA_KEY)
    return hmac.new(key, f"{kind}|{normalised}".encode(), hashlib.sha256).hexdigest()


def normalise(value: str, *, kind: str) -> str:
    value = (value or "").strip()
    if kind == "phone":
        return re.sub(r"[\s\-]", "", value).removeprefix("+86")
    return re.sub(r"\s+", "", value)


# Masks ---------------------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    """138****1234 for a mobile; a landline keeps its area code and last two digits."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) == 11 and phone.isdigit():
        return f"{phone[:3]}****{phone[-4:]}"
    if len(phone) > 6:
        return phone[:4] + "*" * (len(phone) - 6) + phone[-2:]
    return "****"


def mask_name(name: str) -> str:
    """张* for 张伟, 欧** for 欧阳娜."""
    name = (name or "").strip()
    return f"{name[0]}{'*' * max(1, len(name) - 1)}" if name else ""


def mask_address(address: str) -> str:
    """The first six characters (the district), then stars: enough to place it, not to find the door."""
    address = (address or "").strip()
    return address[:6] + "****" if len(address) > 6 else ("****" if address else "")


def mask_email(email: str) -> str:
    """zh***@example.com: the first two characters of the mailbox and the whole domain, so the owner recognises
    its own address and nobody else can write to it."""
    email = (email or "").strip()
    local, at, domain = email.partition("@")
    if not at:
        return "****" if email else ""
    return f"{local[:2]}***@{domain}"


MASKS = {"phone": mask_phone, "name": mask_name, "address": mask_address, "email": mask_email}


# Model fields ---------------------------------------------------------------------------------------


class EncryptedCharField(models.CharField):
    """A short text stored as AES-GCM ciphertext in a text column. `kind` chooses its mask.

    `max_length` bounds the plain value (forms and model validation); the column holds the longer
    ciphertext. Only `isnull` can be looked up: an equality would compare fresh random nonces and
    silently find nothing, so it raises instead; look up by the LookupHashField beside it."""

    def __init__(self, *args, kind: str = "name", **kwargs):
        if kind not in MASKS:
            raise ValueError(f"unknown kind of personal data {kind!r}")
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def db_type(self, connection) -> str | None:
        return models.TextField().db_type(connection)

    def cast_db_type(self, connection) -> str | None:
        return models.TextField().db_type(connection)

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or is_encrypted(value):
            return value
        return encrypt(str(value), purpose=self.purpose)

    def from_db_value(self, value, expression, connection):
        # Rows written before the data migration are plain; the migration encrypts them.
        return decrypt(value, purpose=self.purpose) if is_encrypted(value) else value

    def get_lookup(self, lookup_name):
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, lookup_name):
        return None


class EncryptedBinaryField(models.BinaryField):
    """A file kept in the database (a generated .docx holding an owner's data), stored encrypted."""

    @property
    def purpose(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or bytes(value).startswith(PREFIX.encode()):
            return value
        cipher, _ = _keys(settings.DATA_KEY)
        nonce = os.urandom(_NONCE_BYTES)
        return PREFIX.encode() + nonce + cipher.encrypt(nonce, bytes(value), self.purpose.encode("ascii"))

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        raw = bytes(value)
        if not raw.startswith(PREFIX.encode()):
            return raw  # written before the data migration, which encrypts it
        cipher, _ = _keys(settings.DATA_KEY)
        body = raw[len(PREFIX):]
        try:
            return cipher.decrypt(body[:_NONCE_BYTES], body[_NONCE_BYTES:], self.purpose.encode("ascii"))
        except InvalidTag:
            raise ImproperlyConfigured(f"cannot decrypt {self.purpose}: DAIBAN_DATA_KEY is not the key it was "
                                       "written with") from None


class LookupHashField(models.CharField):
    """The keyed hash of another field of the same row, kept in step on every save."""

    def __init__(self, *args, source: str = "", kind: str = "phone", **kwargs):
        self.source, self.kind = source, kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for key, default in (("max_length", 64), ("blank", True), ("editable", False), ("db_index", True)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(getattr(model_instance, self.source) or "", kind=self.kind)
        setattr(model_instance, self.attname, value)
        return value


def encrypt_existing_rows(model, field_names: list[str], *, batch: int = 500) -> int:
    """For data migrations: rewrites every row whose personal fields are still plain text, so they
    are stored encrypted and their look-up hashes are filled in. Answers the number of rows written."""
    hash_fields = [f.name for f in model._meta.fields if isinstance(f, LookupHashField) and f.source in field_names]
    written = 0
    for row in model._base_manager.order_by("pk").iterator(chunk_size=batch):
        row.save(update_fields=[*field_names, *hash_fields])
        written += 1
    return written
