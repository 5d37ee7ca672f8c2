"""Helpers of the policy tests: articles written and published as the center does."""
from __future__ import annotations

import pytest


@pytest.fixture
def publish(person):
    """publish(title=…, body=…, kind=…) -> a published article by the county center."""
    from daiban.policy.services import policy_create, policy_publish

    def make(*, title: str, body: str, kind: str = "policy", draft: bool = False, **fields):
        center = person("center")
        article = policy_create(actor=center, kind=kind, title=title, body=body, **fields)
        return article if draft else policy_publish(actor=center, article=article)

    return make


def found(api, query: str, **params) -> list[dict]:
    response = api.get("policy/search", {"q": query, **params})
    assert response.status_code == 200, response.content
    return response.json()["items"]


def keys(hits: list[dict]) -> list[str]:
    """"guide:L05" or "article:<title>" for each hit, in order."""
    return [f"guide:{h['code']}" if h["code"] else f"{h['kind']}:{h['title']}" for h in hits]
