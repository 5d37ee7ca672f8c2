"""Reads of the policy library: the search, the public lists, what a consultation refers to."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse

from daiban.catalog.models import CatalogItem
from daiban.lib.errors import NotFound
from daiban.policy.guides import guide_url
from daiban.policy.models import (
    PUBLISHER_ROLES,
    Article,
    ConsultationReference,
    Kind,
    SearchDocument,
    SearchTerm,
    Status,
)
from daiban.policy.segment import fallback_terms, normalize, query_groups
from daiban.policy.synonyms import synonyms_of

MAX_QUERY_LENGTH = 100
MAX_GROUPS = 12
# A word in the title outweighs any number of mentions in the text (at most BODY_SATURATION + 1).
TITLE_WEIGHT = 5.0
BODY_SATURATION = 1.2
SNIPPET_LENGTH = 90
KIND_ORDER: dict[str, int] = {Kind.GUIDE: 0, Kind.POLICY: 1, Kind.RULES: 2, Kind.NEWS: 3}


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int | None
    code: str | None
    title: str
    snippet: str
    url: str
    score: float
    terms: tuple[str, ...]
    limit_workdays: int | None = None  # a guide's item: its promised time limit and materials, in the hit
    materials: str = ""

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def time_limit(self) -> str:
        return f"承诺时限{self.limit_workdays}个工作日" if self.limit_workdays else ""

    def as_dict(self) -> dict:
        return {"kind": self.kind, "kind_label": self.kind_label, "id": self.id, "code": self.code,
                "title": self.title, "snippet": self.snippet, "url": self.url,
                "limit_workdays": self.limit_workdays, "time_limit": self.time_limit, "materials": self.materials}


# Questions about what the service costs or what it takes on are answered by its own rules first (free,
# voluntary, 代办不包办): (words such a question uses, words of the rule that answers it).
SERVICE_RULES = [
    (("收费", "费用", "收钱", "要钱", "花钱", "多少钱", "付费", "免费", "无偿", "礼品", "好处费", "红包"),
     ("无偿", "免费", "严禁收取")),
    (("包办", "义务", "责任", "揽责", "自愿", "强制", "必须委托", "负责到底"), ("代办不包办", "服务不揽责", "自愿")),
]


def _service_rules_first(query: str, documents: QuerySet[SearchDocument]) -> list[tuple[int, tuple[str, ...]]]:
    """The service's rules that answer a question about fees or duties: (document id, the words it answers
    with), the rule with more of them first."""
    text = normalize(query)
    answers = {word for asks, answer in SERVICE_RULES if any(a in text for a in asks) for word in answer}
    if not answers:
        return []
    rules = documents.filter(kind=Kind.RULES).values_list("pk", "text")
    found = [(pk, tuple(sorted(w for w in answers if w in body))) for pk, body in rules]
    return sorted((f for f in found if f[1]), key=lambda f: (-len(f[1]), f[0]))


def _rows(documents: QuerySet[SearchDocument], words: set[str]) -> list[tuple[int, str, bool, int]]:
    return list(SearchTerm.objects.filter(document__in=documents, term__in=sorted(words))
                .values_list("document_id", "term", "in_title", "count"))


def _resolve_groups(documents: QuerySet[SearchDocument], groups: list[frozenset[str]]):
    """The query's groups, a group no document has being replaced by the pieces of its word."""
    rows = _rows(documents, set().union(*groups))
    present = {term for _, term, _, _ in rows}
    resolved: list[frozenset[str]] = []
    pieces: set[str] = set()
    for group in groups:
        if group & present:
            resolved.append(group)
            continue
        for piece in sorted(fallback_terms(group)):
            piece_group = synonyms_of(piece)
            if piece_group not in resolved:
                resolved.append(piece_group)
                pieces.update(piece_group)
    if pieces:
        rows += _rows(documents, pieces - set().union(*groups))
    return resolved, rows


def _score(groups: list[frozenset[str]], rows, total: int) -> dict[int, tuple[float, set[str]]]:
    """BM25-like: each group's weight by its rarity; a title hit weighs TITLE_WEIGHT, the text's
    occurrences saturate; documents matching more of the query's words are favoured."""
    per_doc: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    matched_terms: dict[int, set[str]] = defaultdict(set)
    for document_id, term, in_title, count in rows:
        for index, group in enumerate(groups):
            if term in group:
                per_doc[document_id][index][0 if in_title else 1] += count
                matched_terms[document_id].add(term)
    frequency = [sum(1 for hits in per_doc.values() if index in hits) for index in range(len(groups))]
    weight = [math.log(1 + (total - df + 0.5) / (df + 0.5)) for df in frequency]
    scores: dict[int, tuple[float, set[str]]] = {}
    for document_id, hits in per_doc.items():
        score = 0.0
        for index, (in_title, in_text) in hits.items():
            text_part = in_text * (BODY_SATURATION + 1) / (in_text + BODY_SATURATION)
            score += weight[index] * ((TITLE_WEIGHT if in_title else 0.0) + text_part)
        score *= len(hits) / len(groups)
        # Rounded, so that the order never depends on the last bits of a float.
        scores[document_id] = (round(score, 6), matched_terms[document_id])
    return scores


def _snippet(text: str, words: set[str]) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    lowered = text.lower()
    positions = [p for p in (lowered.find(w) for w in words) if p >= 0]
    if not positions:
        return text[:SNIPPET_LENGTH] + ("…" if len(text) > SNIPPET_LENGTH else "")
    start = max(0, min(positions) - SNIPPET_LENGTH // 3)
    end = start + SNIPPET_LENGTH
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


# A guide whose title names the item the query asks about outweighs articles that mention it: people who
# type an item's name (or its abbreviation) want its guide, with the time limit and materials.
GUIDE_TITLE_BOOST = 2.0


def _guides_of_named_items_first(scores: dict, groups: list[frozenset[str]], query: str) -> None:
    if not scores:
        return
    exact = re.sub(r"\s+", "", normalize(query))
    guides = SearchDocument.objects.filter(pk__in=scores, catalog_item__isnull=False).values_list("pk", "title")
    for pk, title in guides:
        title = normalize(title)
        if any(word in title for group in groups for word in group):
            score, matched = scores[pk]
            boost = GUIDE_TITLE_BOOST * (2 if title == exact else 1)
            scores[pk] = (round(score * boost, 6), matched)


def search(query: str, *, limit: int = 20, kinds: list[str] | None = None) -> list[Hit]:
    """Published articles and active guides, most relevant first. The same on every database: the
    index is read with plain lookups and ranked here."""
    groups = query_groups((query or "")[:MAX_QUERY_LENGTH])[:MAX_GROUPS]
    if not groups:
        return []
    documents = SearchDocument.objects.filter(public=True)
    if kinds:
        documents = documents.filter(kind__in=kinds)
    groups, rows = _resolve_groups(documents, groups)
    first = _service_rules_first(query, documents)
    if not groups and not first:
        return []
    scores = _score(groups, rows, documents.count()) if groups else {}
    _guides_of_named_items_first(scores, groups, query)
    top = max((score for score, _ in scores.values()), default=0.0)
    for rank, (pk, answer) in enumerate(first):
        scores[pk] = (round(top + len(first) - rank, 6), set(answer) | scores.get(pk, (0, set()))[1])
    by_id = {d.pk: d for d in SearchDocument.objects.filter(pk__in=scores).select_related("catalog_item")}
    ranked = sorted(scores, key=lambda pk: (-scores[pk][0], KIND_ORDER[by_id[pk].kind], by_id[pk].key))
    hits = []
    for pk in ranked[:limit]:
        document = by_id[pk]
        score, matched = scores[pk]
        item = document.catalog_item
        hits.append(Hit(
            kind=document.kind, id=document.article_id if item is None else None,
            code=item.code if item is not None else None, title=document.title,
            snippet=_snippet(document.text, matched), url=document.url, score=score, terms=tuple(sorted(matched)),
            limit_workdays=item.limit_workdays if item is not None else None,
            materials=item.materials if item is not None else ""))
    return hits


def published_articles(kind: str | None = None) -> QuerySet[Article]:
    articles = Article.objects.filter(status=Status.PUBLISHED).select_related("catalog_item")
    return articles.filter(kind=kind) if kind else articles


def article_for(article_id: int, user) -> Article:
    """A published article for anyone; a draft only for the center (to preview it)."""
    article = Article.objects.select_related("catalog_item", "catalog_item__department", "author").filter(
        pk=article_id).first()
    can_preview = user is not None and user.is_authenticated and user.has_role(*PUBLISHER_ROLES)
    if article is None or (article.status != Status.PUBLISHED and not can_preview):
        raise NotFound("未找到该文章")
    return article


def guide_rows() -> list[dict]:
    """Every active catalog item's guide, with its published guide article when there is one."""
    articles = {a.catalog_item_id: a for a in published_articles(Kind.GUIDE).filter(catalog_item__isnull=False)}
    return [{"item": item, "url": guide_url(item.code), "article": articles.get(item.pk)}
            for item in CatalogItem.objects.filter(active=True).select_related("department")]


def references_for(consultation) -> list[dict]:
    """The guides and policies a consultation's answer refers to, as {kind, title, url} rows."""
    rows = []
    for ref in ConsultationReference.objects.filter(consultation=consultation).select_related("article",
                                                                                               "catalog_item"):
        if ref.catalog_item is not None:
            item = ref.catalog_item
            rows.append({"id": ref.pk, "kind": Kind.GUIDE.value, "kind_label": Kind.GUIDE.label, "code": item.code,
                         "article_id": None, "title": f"{item.code} {item.name}", "url": guide_url(item.code)})
        else:
            article = ref.article
            assert article is not None  # a reference names either a catalog item or an article
            rows.append({"id": ref.pk, "kind": article.kind, "kind_label": article.get_kind_display(), "code": None,
                         "article_id": article.pk, "title": article.title,
                         "url": reverse("policy:detail", args=[article.pk])})
    return rows
