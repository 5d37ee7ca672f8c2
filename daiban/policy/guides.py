"""The service guide (办事指南) of a catalog item, generated from the item itself, and the guides a piece
of text (a consultation's question or answer, a plan item's note) mentions."""
from __future__ import annotations

import re
from functools import lru_cache

from django.urls import reverse

from daiban.catalog.models import CatalogItem
from daiban.policy.segment import dictionary_words, normalize, terms
from daiban.policy.synonyms import all_words, synonyms_of

FREE = "代办服务全程免费，严禁收取任何费用。"

# Dictionary words too general to say which item a text is about.
NOT_A_MENTION = frozenset({"代办", "代办服务", "投资项目", "企业投资项目", "政府投资项目", "审批事项", "平阳", "平阳县",
                           "建设用地", "审批部门", "行政服务中心", "中介服务"})

_CODE = re.compile(r"(?<![0-9A-Za-z])([A-Z]{1,2}\d{2}[A-Z]?)(?![0-9A-Za-z])")
_PARENTHESES = re.compile(r"[（(].*?[)）]")


def guide_url(code: str) -> str:
    """The public guide page of a catalog item (daiban.catalog's /catalog/<code>/)."""
    return reverse("catalog:detail", args=[code])


def guide_facts(item: CatalogItem) -> list[tuple[str, str]]:
    """What a company needs to know, in the guide's order."""
    limit = f"{item.limit_workdays} 个工作日（{item.get_limit_source_display()}"
    limit += f"；{item.limit_note}）" if item.limit_note else "）"
    department = item.department.full_name or item.department.name
    if item.reported_upward:
        department += f"（{item.get_level_display()}审批，本地环节完成后 1 个工作日内上报）"
    facts = [
        ("审批部门", department),
        ("办理阶段", item.get_stage_display()),
        ("办理时限", limit),
        ("申请材料", item.materials or "待补充"),
        ("办理地点和方式", item.where_how or "待补充"),
        ("业主到场", f"需要：{item.in_person_note}" if item.owner_in_person and item.in_person_note
         else "需要" if item.owner_in_person else "不需要，由代办员代为办理"),
        ("中介服务", f"{item.intermediary}（由项目业主自主选择中介机构，代办机构提供咨询和协调）"
         if item.intermediary else "不需要"),
        ("收费", FREE),
    ]
    if item.note:
        facts.append(("备注", item.note))
    return facts


def guide_text(item: CatalogItem) -> str:
    return "\n".join(f"{label}：{value}" for label, value in guide_facts(item))


@lru_cache(maxsize=1)
def _domain_words() -> frozenset[str]:
    return frozenset({*dictionary_words(), *all_words()} - NOT_A_MENTION)


@lru_cache(maxsize=512)
def _mention_keys(name: str) -> frozenset[str]:
    """The domain words of an item's name, and the words that mean the same."""
    keys: set[str] = set()
    for term in terms(name):
        if term in _domain_words():
            keys.update(synonyms_of(term))
    return frozenset(keys)


def guides_for_text(text: str) -> list[CatalogItem]:
    """Active catalog items the text mentions: by code (S04), by name, or by a domain word of the
    name or one meaning the same (环评 → 环境影响评价审批). Most mentioned first, then catalog order."""
    if not text or not text.strip():
        return []
    found_terms = set(terms(text))
    plain = normalize(text)
    codes = set(_CODE.findall(text.upper()))
    scored: list[tuple[int, int, str, CatalogItem]] = []
    for item in CatalogItem.objects.filter(active=True).select_related("department"):
        score = len(_mention_keys(item.name) & found_terms)
        name = normalize(item.name)
        if name in plain or normalize(_PARENTHESES.sub("", item.name)) in plain:
            score += 2
        if item.code in codes:
            score += 3
        if score:
            scored.append((-score, item.sort, item.code, item))
    return [item for *_, item in sorted(scored, key=lambda row: row[:3])]
