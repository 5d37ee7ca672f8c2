"""Writes on the policy library. Only the county center publishes (seed §7.5: 及时准确发布、解读 …
政策法规和改革信息); each write is audited and re-indexes what it changed in the same transaction."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from daiban.audit.services import audit_record
from daiban.catalog.models import CatalogItem
from daiban.lib import clock
from daiban.lib.errors import Conflict, NotFound, ValidationFailed
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.org.roles import CASE_WORKER_ROLES
from daiban.org.scope import scope_of
from daiban.policy.guides import guides_for_text
from daiban.policy.indexing import index_article
from daiban.policy.models import (
    ALLOWED_STATUS_CHANGES,
    PUBLISHER_ROLES,
    Article,
    ArticleTransition,
    ConsultationReference,
    Kind,
    Status,
)

EDITABLE_FIELDS = ("kind", "title", "body", "source", "doc_number", "publish_date", "catalog_item")
TEXT_LIMITS = {"title": 200, "source": 100, "doc_number": 60, "body": 50000}
TEXT_LABELS = {"title": "标题", "source": "来源", "doc_number": "文号", "body": "正文"}


def snapshot(article: Article) -> dict[str, Any]:
    return {
        "kind": article.kind, "title": article.title, "body": article.body, "source": article.source,
        "doc_number": article.doc_number, "status": article.status,
        "publish_date": article.publish_date.isoformat() if article.publish_date else None,
        "catalog_item": article.catalog_item.code if article.catalog_item else None,
    }


def _catalog_item(value: CatalogItem | str | None, errors: dict[str, str]) -> CatalogItem | None:
    if value in (None, ""):
        return None
    code = value.code if isinstance(value, CatalogItem) else str(value).strip()
    item = CatalogItem.objects.filter(code=code).first()
    if item is None:
        errors["catalog_item"] = f"事项 {code} 不存在"
    return item


def _date(value: dt.date | str | None, errors: dict[str, str]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError:
            errors["publish_date"] = "发布日期格式应为 YYYY-MM-DD"
            return None
    if value > clock.today():
        errors["publish_date"] = "发布日期不能晚于今天"
    return value


def _apply(article: Article, changes: dict[str, Any]) -> None:
    """Checks the changes and writes them into `article` (not saved); every wrong field is named."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    errors: dict[str, str] = {}
    for field, value in changes.items():
        if field == "kind":
            if value not in Kind.values:
                errors["kind"] = "类别应为政策法规、服务规则、新闻动态或办事指南"
            else:
                article.kind = value
        elif field in TEXT_LIMITS:
            if value is not None and not isinstance(value, str):
                errors[field] = "应为文本"
                continue
            value = (value or "").strip()
            if len(value) > TEXT_LIMITS[field]:
                errors[field] = f"{TEXT_LABELS[field]}过长（最多 {TEXT_LIMITS[field]} 字）"
            setattr(article, field, value)
        elif field == "publish_date":
            article.publish_date = _date(value, errors)
        elif field == "catalog_item":
            article.catalog_item = _catalog_item(value, errors)
    if not article.title and "title" not in errors:
        errors["title"] = "请填写标题"
    if article.catalog_item_id and article.kind != Kind.GUIDE:
        errors["catalog_item"] = "只有办事指南可以对应事项"
    elif article.catalog_item and Article.objects.filter(catalog_item_id=article.catalog_item_id).exclude(
            pk=article.pk).exists():
        errors["catalog_item"] = f"事项 {article.catalog_item.code} 已有办事指南，请修改原文"
    if article.status == Status.PUBLISHED and not article.publish_date and "publish_date" not in errors:
        errors["publish_date"] = "已发布的文章须有发布日期"
    if errors:
        raise ValidationFailed(errors)


def policy_create(*, actor: User, kind: str, title: str, body: str = "", source: str = "", doc_number: str = "",
                  publish_date: dt.date | str | None = None, catalog_item: CatalogItem | str | None = None) -> Article:
    """A draft; it is public only after policy_publish."""
    require_role(actor, *PUBLISHER_ROLES, action="policy_create")
    now = clock.now()
    article = Article(author=actor, updated_by=actor, created_at=now, updated_at=now, status=Status.DRAFT)
    with transaction.atomic():
        _apply(article, {"kind": kind, "title": title, "body": body, "source": source, "doc_number": doc_number,
                         "publish_date": publish_date, "catalog_item": catalog_item})
        article.save()
        index_article(article)
        audit_record(event_type="policy.article_created", actor=actor, obj=article, new=snapshot(article))
    return article


def policy_update(*, actor: User, article: Article, **changes: Any) -> Article:
    """Changes the given fields; a published article stays published and its index follows at once."""
    require_role(actor, *PUBLISHER_ROLES, action="policy_update")
    with transaction.atomic():
        article = Article.objects.select_for_update(no_key=True, of=("self",)).select_related("catalog_item").get(pk=article.pk)
        old, previous_item_id = snapshot(article), article.catalog_item_id
        _apply(article, changes)
        new = snapshot(article)
        changed = [field for field in new if new[field] != old[field]]
        if not changed:
            return article
        article.updated_at, article.updated_by = clock.now(), actor
        article.save()
        index_article(article, previous_item_id=previous_item_id)
        audit_record(event_type="policy.article_updated", actor=actor, obj=article,
                     old={f: old[f] for f in changed}, new={f: new[f] for f in changed})
    return article


def _move(actor: User, article: Article, to_status: str, note: str = "") -> None:
    if to_status not in ALLOWED_STATUS_CHANGES[article.status]:
        raise Conflict("该文章已发布" if to_status == Status.PUBLISHED else "该文章尚未发布", code="policy.state_conflict")
    ArticleTransition.objects.create(article=article, from_status=article.status, to_status=to_status,
                                     at=clock.now(), by=actor, note=note)
    article.status = to_status


def policy_publish(*, actor: User, article: Article, publish_date: dt.date | str | None = None) -> Article:
    """Makes a draft public; the publish date is today unless the article or the call gives one."""
    require_role(actor, *PUBLISHER_ROLES, action="policy_publish")
    with transaction.atomic():
        article = Article.objects.select_for_update(no_key=True, of=("self",)).select_related("catalog_item").get(pk=article.pk)
        errors: dict[str, str] = {}
        day = _date(publish_date, errors) or article.publish_date or clock.today()
        if not article.body.strip() and not article.catalog_item_id:
            errors["body"] = "请填写正文后再发布"
        if errors:
            raise ValidationFailed(errors)
        _move(actor, article, Status.PUBLISHED)
        article.publish_date = day
        article.updated_at, article.updated_by = clock.now(), actor
        article.save()
        index_article(article)
        audit_record(event_type="policy.article_published", actor=actor, obj=article,
                     new={"kind": article.kind, "title": article.title, "publish_date": day.isoformat()})
    return article


def policy_unpublish(*, actor: User, article: Article, reason: str = "") -> Article:
    """Takes an article back to a draft: it leaves the public pages and the public search at once."""
    require_role(actor, *PUBLISHER_ROLES, action="policy_unpublish")
    with transaction.atomic():
        article = Article.objects.select_for_update(no_key=True, of=("self",)).select_related("catalog_item").get(pk=article.pk)
        _move(actor, article, Status.DRAFT, note=(reason or "").strip()[:200])
        article.updated_at, article.updated_by = clock.now(), actor
        article.save()
        index_article(article)
        audit_record(event_type="policy.article_unpublished", actor=actor, obj=article,
                     old={"status": Status.PUBLISHED}, new={"status": Status.DRAFT, "reason": (reason or "").strip()})
    return article


def policy_guides_generate(*, actor: User) -> list[Article]:
    """A published guide article for every active catalog item that has none; its facts come from the
    item, so the article itself only carries the title."""
    require_role(actor, *PUBLISHER_ROLES, action="policy_guides_generate")
    created, codes = [], []
    with transaction.atomic():
        missing = CatalogItem.objects.filter(active=True, guide_articles__isnull=True).select_related("department")
        now, today = clock.now(), clock.today()
        for item in missing:
            article = Article.objects.create(
                kind=Kind.GUIDE, title=f"{item.name}办事指南", catalog_item=item, status=Status.PUBLISHED,
                source=item.department.full_name or item.department.name, publish_date=today,
                author=actor, updated_by=actor, created_at=now, updated_at=now)
            ArticleTransition.objects.create(article=article, from_status=Status.DRAFT, to_status=Status.PUBLISHED,
                                             at=now, by=actor, note="由事项库生成")
            index_article(article)
            created.append(article)
            codes.append(item.code)
        if created:
            audit_record(event_type="policy.guides_generated", actor=actor, new={"codes": codes})
    return created


# Consultation answers (intake.Consultation) and the guides and policies they refer to.

def _consultation_in_scope(actor: User, consultation) -> None:
    require_role(actor, *CASE_WORKER_ROLES, action="consultation_reference")
    scope = scope_of(actor)
    if not scope.covers_body(consultation.body_id):
        raise NotFound("未找到该咨询记录，或不在您的数据范围内")


def consultation_reference_add(*, actor: User, consultation, article: Article | None = None,
                               catalog_item: CatalogItem | None = None) -> ConsultationReference:
    """Links a published article or a catalog item's guide to a consultation; linking twice is one link."""
    _consultation_in_scope(actor, consultation)
    if (article is None) == (catalog_item is None):
        raise ValidationFailed("请选择一篇政策文章或一项办事指南")
    if article is not None and article.status != Status.PUBLISHED:
        raise ValidationFailed({"article": "只能引用已发布的文章"})
    if catalog_item is not None and not catalog_item.active:
        raise ValidationFailed({"catalog_item": f"事项 {catalog_item.code} 已停用"})
    with transaction.atomic():
        reference, created = ConsultationReference.objects.get_or_create(
            consultation=consultation, article=article, catalog_item=catalog_item,
            defaults={"added_by": actor, "added_at": clock.now()})
        if created:
            audit_record(event_type="policy.consultation_linked", actor=actor, obj=consultation,
                         new={"article": article.pk if article else None,
                              "catalog_item": catalog_item.code if catalog_item else None})
    return reference


def consultation_guides_link(*, actor: User, consultation) -> list[ConsultationReference]:
    """Links every guide the consultation's question or answer mentions (see guides_for_text)."""
    _consultation_in_scope(actor, consultation)
    items = guides_for_text(f"{consultation.question}\n{consultation.answer}")
    with transaction.atomic():
        return [consultation_reference_add(actor=actor, consultation=consultation, catalog_item=item)
                for item in items]
