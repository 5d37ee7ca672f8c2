"""Keeping the search index (SearchDocument, SearchTerm) in step with articles and catalog items.

Every function here writes in the caller's transaction: the services call them next to the change
they index, and the catalog's saves reach them through the signals of apps.py. A guide article that
belongs to a catalog item is folded into that item's guide document, so a guide is found once.
"""
from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from daiban.catalog.models import CatalogItem
from daiban.policy.guides import guide_text, guide_url
from daiban.policy.models import Article, Kind, SearchDocument, SearchTerm, Status
from daiban.policy.segment import terms


def article_key(article_id: int) -> str:
    return f"article:{article_id}"


def guide_key(code: str) -> str:
    return f"guide:{code}"


def _store(key: str, *, title_text: str, **fields) -> None:
    document, _ = SearchDocument.objects.update_or_create(key=key, defaults=fields)
    document.terms.all().delete()
    rows = [SearchTerm(document=document, term=term, in_title=True, count=count)
            for term, count in sorted(terms(title_text).items())]
    rows += [SearchTerm(document=document, term=term, in_title=False, count=count)
             for term, count in sorted(terms(fields["text"]).items())]
    SearchTerm.objects.bulk_create(rows)


def index_guide(item: CatalogItem) -> None:
    """The guide of a catalog item: the item's facts and its published guide article, if any."""
    article = (Article.objects.filter(catalog_item=item, status=Status.PUBLISHED).first()
               if item.pk else None)
    text = guide_text(item)
    title_text = f"{item.code} {item.name}"
    if article is not None:
        title_text += f" {article.title}"
        text += "\n" + "\n".join(part for part in (article.body, article.source, article.doc_number) if part)
    _store(guide_key(item.code), kind=Kind.GUIDE, article=article, catalog_item=item, title=item.name,
           text=text, url=guide_url(item.code), public=item.active, title_text=title_text)


def index_article(article: Article, *, previous_item_id: int | None = None) -> None:
    """An article, or, for a guide article of a catalog item, that item's guide."""
    if previous_item_id and previous_item_id != article.catalog_item_id:
        index_guide(CatalogItem.objects.select_related("department").get(pk=previous_item_id))
    if article.catalog_item_id:
        SearchDocument.objects.filter(key=article_key(article.pk)).delete()
        index_guide(CatalogItem.objects.select_related("department").get(pk=article.catalog_item_id))
        return
    text = "\n".join(part for part in (article.body, article.source, article.doc_number) if part)
    _store(article_key(article.pk), kind=article.kind, article=article, catalog_item=None, title=article.title,
           text=text, url=reverse("policy:detail", args=[article.pk]), public=article.status == Status.PUBLISHED,
           title_text=article.title)


@transaction.atomic
def reindex_all() -> int:
    """Rebuilds the whole index (after a change of the dictionary); returns the number of documents."""
    keys: set[str] = set()
    for item in CatalogItem.objects.select_related("department"):
        index_guide(item)
        keys.add(guide_key(item.code))
    for article in Article.objects.filter(catalog_item__isnull=True):
        index_article(article)
        keys.add(article_key(article.pk))
    SearchDocument.objects.exclude(key__in=keys).delete()
    return len(keys)
