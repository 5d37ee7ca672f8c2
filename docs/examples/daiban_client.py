#!/usr/bin/env python3
"""A small client of the daiban API (docs/api.md), standard library only.

    python docs/examples/daiban_client.py --base http://127.0.0.1:8000 --username aojiang --password … --otp 123456

(--otp is the code the account's authenticator app shows; the demo accounts in debug mode need none.)

It logs in, pages through the caller's cases, registers a window request with an Idempotency-Key, sends the
same request again as a client would after a lost answer (the system answers with the first result and creates
nothing twice), and shows how an error is read by its code. Each step prints one JSON line.
"""
from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from typing import Any


class ApiError(Exception):
    """An error answer: `code` is stable and meant for programs, `detail` is Chinese and meant for people."""

    def __init__(self, status: int, body: dict[str, Any]):
        super().__init__(f"{status} {body['code']}: {body['detail']}")
        self.status, self.code, self.detail, self.fields = status, body["code"], body["detail"], body["fields"]


class Daiban:
    def __init__(self, base: str, timeout: float = 30):
        self.base = base.rstrip("/") + "/api/v1/"
        self.timeout = timeout
        self.token: str | None = None

    def login(self, username: str, password: str, otp: str | None = None) -> None:
        """Exchanges the password and the authenticator's code (staff accounts have one) for a token."""
        credentials = {"username": username, "password": password, **({"otp": otp} if otp else {})}
        self.token = self.call("POST", "auth/token", credentials)["token"]

    def call(self, method: str, path: str, body: Any = None, *, params: dict | None = None,
             idempotency_key: str | None = None) -> dict[str, Any]:
        url = self.base + path + (f"?{urllib.parse.urlencode(params)}" if params else "")
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                return json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            raise ApiError(error.code, json.loads(error.read())) from None

    def pages(self, path: str, *, limit: int = 50, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every item of a list, one page after another, following next_cursor."""
        params: dict[str, Any] = {**filters, "limit": limit}
        while True:
            page = self.call("GET", path, params=params)
            yield from page["items"]
            if page["next_cursor"] is None:
                return
            params["cursor"] = page["next_cursor"]


def show(step: str, **values: Any) -> None:
    print(json.dumps({"step": step, **values}, ensure_ascii=False), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--username", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--otp", help="the 6 digits the account's authenticator app shows now")
    parser.add_argument("--credit-code", default="91330326MA2J5N8P4E", help="the company of the window request")
    args = parser.parse_args(argv)

    api = Daiban(args.base)
    api.login(args.username, args.password, args.otp)
    show("login", username=args.username)

    cases = list(api.pages("cases", limit=2))
    show("cases", count=len(cases), tracking_nos=[c["tracking_no"] for c in cases])

    window_request = {
        "source": "window", "company_name": "平阳县示例机械有限公司", "credit_code": args.credit_code,
        "contact_name": "王强", "contact_phone": "13857700000", "project_name": "示例数控机床装配项目",
        "location": "鳌江镇", "category": "investment_promotion", "industrial": True, "investment_wan": 3000,
    }
    key = str(uuid.uuid4())  # one key per operation; keep it until the operation is known to be done
    first = api.call("POST", "cases", window_request, idempotency_key=key)
    again = api.call("POST", "cases", window_request, idempotency_key=key)  # e.g. after a timeout
    show("register", tracking_no=first["tracking_no"], repeated_tracking_no=again["tracking_no"])

    try:
        api.call("POST", "cases", {**window_request, "credit_code": "123"})
    except ApiError as refusal:
        if refusal.code != "validation.invalid":
            raise
        show("refused", code=refusal.code, fields=[f["field"] for f in refusal.fields], detail=refusal.detail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
