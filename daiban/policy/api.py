"""The policy library over HTTP: anyone searches and reads what is published; the center writes."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from daiban.catalog.models import CatalogItem
from daiban.intake.models import Consultation
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.pagination import paginate, whole
from daiban.lib.schemas import Page, PageIn, errors
from daiban.org.http import StaffRequest
from daiban.org.permissions import require_role
from daiban.org.scope import get_in_scope, scope_of
from daiban.policy.guides import guide_url, guides_for_text
from daiban.policy.models import PUBLISHER_ROLES, Article, Kind
from daiban.policy.models import Status as ArticleStatus
from daiban.policy.selectors import published_articles, references_for, search
from daiban.policy.services import (
    consultation_guides_link,
    consultation_reference_add,
    policy_create,
    policy_publish,
    policy_unpublish,
    policy_update,
)

router = Router(tags=["政策与公开"])

# Ranked hits are computed in full (a few hundred documents at most) and paged by position.
SEARCH_DEPTH = 1000


class HitOut(Schema):
    kind: str
    kind_label: str
    id: int | None
    code: str | None
    title: str
    snippet: str
    url: str
    limit_workdays: int | None = Field(None, description="办事指南：事项的承诺时限（工作日）")
    time_limit: str = Field("", description="办事指南：如“承诺时限10个工作日”")
    materials: str = Field("", description="办事指南：申请材料")


class ArticleOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    source: str
    doc_number: str
    publish_date: dt.date | None
    status: str
    catalog_item: str | None
    url: str


class ArticleDetail(ArticleOut):
    body: str


class ArticleIn(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str
    title: str
    body: str = ""
    source: str = ""
    doc_number: str = ""
    publish_date: dt.date | None = None
    catalog_item: str | None = None
    publish: bool = False


class ArticlePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    kind: str | None = None
    title: str | None = None
    body: str | None = None
    source: str | None = None
    doc_number: str | None = None
    publish_date: dt.date | None = None
    catalog_item: str | None = None


class PublishIn(Schema):
    publish_date: dt.date | None = None


class UnpublishIn(Schema):
    reason: str = ""


class GuideOut(Schema):
    code: str
    name: str
    department: str
    url: str


class ReferenceIn(Schema):
    model_config = ConfigDict(extra="forbid")

    article_id: int | None = None
    catalog_code: str | None = None


class ReferenceOut(Schema):
    id: int
    kind: str
    kind_label: str
    code: str | None
    article_id: int | None
    title: str
    url: str


def _out(article: Article, *, body: bool = False) -> dict[str, Any]:
    row = {
        "id": article.pk, "kind": article.kind, "kind_label": article.get_kind_display(), "title": article.title,
        "source": article.source, "doc_number": article.doc_number, "publish_date": article.publish_date,
        "status": article.status, "catalog_item": article.catalog_item.code if article.catalog_item else None,
        "url": f"/policy/{article.pk}/",
    }
    if body:
        row["body"] = article.body
    return row


def _kind(kind: str | None) -> str | None:
    if kind and kind not in Kind.values:
        raise ValidationFailed({"kind": f"类别应为以下之一：{'、'.join(Kind.values)}"})
    return kind or None


def _article(article_id: int) -> Article:
    article = Article.objects.select_related("catalog_item").filter(pk=article_id).first()
    if article is None:
        raise NotFound("未找到该文章")
    return article


@router.get("/search", response=Page[HitOut], auth=None,
            summary="检索政策法规、服务规则、新闻动态和办事指南（中文分词，含简称和同义词）")
def search_all(request: HttpRequest, page: Query[PageIn], q: str = "", kind: str | None = None) -> dict[str, Any]:
    """按相关度排序：标题命中优先于正文命中。只检索已发布的文章和启用的事项。`kind` 可选。"""
    kind = _kind(kind)
    hits = search(q, limit=SEARCH_DEPTH, kinds=[kind] if kind else None)
    return paginate(hits, page, row=lambda hit: hit.as_dict())


@router.get("/articles", response=Page[ArticleOut], auth=None, summary="已发布的文章（新发布的在前）")
def list_articles(request: HttpRequest, page: Query[PageIn], kind: str | None = None) -> dict[str, Any]:
    return paginate(published_articles(_kind(kind)), page, order=["-publish_date", "-id"], row=_out)


@router.get("/articles/{article_id}", response=ArticleDetail, auth=None, summary="一篇已发布的文章")
def get_article(request: HttpRequest, article_id: int) -> dict[str, Any]:
    article = _article(article_id)
    if article.status != ArticleStatus.PUBLISHED:
        raise NotFound("未找到该文章")
    return _out(article, body=True)


@router.get("/manage/articles", response={200: Page[ArticleOut], **errors(403)},
            summary="全部文章，含草稿（县代办中心管理员；草稿在前，再按发布日期新的在前）")
def manage_articles(request: StaffRequest, page: Query[PageIn], kind: str | None = None) -> dict[str, Any]:
    require_role(request.auth, *PUBLISHER_ROLES, action="policy_manage_list")
    articles = Article.objects.select_related("catalog_item")
    kind = _kind(kind)
    return paginate(articles.filter(kind=kind) if kind else articles, page, order=["status", "-publish_date", "-id"],
                    row=_out)


@router.post("/articles", response={201: ArticleDetail, **errors(403, 409)},
             summary="新建文章（草稿；publish=true 时同时发布；县代办中心管理员）")
def create_article(request: StaffRequest, payload: ArticleIn) -> Status[dict[str, Any]]:
    values = payload.model_dump()
    publish = values.pop("publish")
    article = policy_create(actor=request.auth, **values)
    if publish:
        article = policy_publish(actor=request.auth, article=article)
    return Status(201, _out(article, body=True))


@router.patch("/articles/{article_id}",
              response={200: ArticleDetail, **errors(403)}, summary="修改文章（县代办中心管理员）")
def update_article(request: StaffRequest, article_id: int, payload: ArticlePatch) -> dict[str, Any]:
    require_role(request.auth, *PUBLISHER_ROLES, action="policy_update")
    article = policy_update(actor=request.auth, article=_article(article_id), **payload.model_dump(exclude_unset=True))
    return _out(article, body=True)


@router.post("/articles/{article_id}/publish",
             response={200: ArticleDetail, **errors(403, 409)}, summary="发布（县代办中心管理员）")
def publish_article(request: StaffRequest, article_id: int, payload: PublishIn) -> dict[str, Any]:
    require_role(request.auth, *PUBLISHER_ROLES, action="policy_publish")
    article = policy_publish(actor=request.auth, article=_article(article_id), publish_date=payload.publish_date)
    return _out(article, body=True)


@router.post("/articles/{article_id}/unpublish",
             response={200: ArticleDetail, **errors(403, 409)}, summary="撤回为草稿（县代办中心管理员）")
def unpublish_article(request: StaffRequest, article_id: int, payload: UnpublishIn) -> dict[str, Any]:
    require_role(request.auth, *PUBLISHER_ROLES, action="policy_unpublish")
    article = policy_unpublish(actor=request.auth, article=_article(article_id), reason=payload.reason)
    return _out(article, body=True)


@router.get("/guides/mentioned", response=Page[GuideOut], auth=None,
            summary="一段文字（咨询内容、解答）提到的办事指南")
def mentioned_guides(request: HttpRequest, page: Query[PageIn], text: str = "") -> dict[str, Any]:
    return paginate(guides_for_text(text[:2000]), page,
                    row=lambda i: {"code": i.code, "name": i.name, "department": i.department.name,
                                   "url": guide_url(i.code)})


def _consultation(request: StaffRequest, consultation_id: int) -> Consultation:
    scope = scope_of(request.auth)
    rows = Consultation.objects.all()
    if not scope.county_wide:
        rows = rows.filter(body_id__in=scope.body_ids)
    return get_in_scope(rows, pk=consultation_id, user=request.auth)


@router.get("/consultations/{consultation_id}/references",
            response=Page[ReferenceOut], summary="咨询解答引用的指南和政策")
def consultation_references(request: StaffRequest, consultation_id: int, page: Query[PageIn]) -> dict[str, Any]:
    return paginate(references_for(_consultation(request, consultation_id)), page)


@router.post("/consultations/{consultation_id}/references",
             response={201: Page[ReferenceOut], **errors(403)}, summary="为咨询解答引用一篇政策或一项办事指南（答复全部引用）")
def add_consultation_reference(request: StaffRequest, consultation_id: int, payload: ReferenceIn) -> Status[dict[str, Any]]:
    consultation = _consultation(request, consultation_id)
    article = item = None
    if payload.article_id is not None:
        article = Article.objects.filter(pk=payload.article_id).first()
        if article is None:
            raise ValidationFailed({"article_id": "文章不存在"})
    if payload.catalog_code:
        item = CatalogItem.objects.filter(code=payload.catalog_code).first()
        if item is None:
            raise ValidationFailed({"catalog_code": f"事项 {payload.catalog_code} 不存在"})
    consultation_reference_add(actor=request.auth, consultation=consultation, article=article, catalog_item=item)
    return Status(201, whole(references_for(consultation)))


@router.post("/consultations/{consultation_id}/references/mentioned",
             response={201: Page[ReferenceOut], **errors(403)},
             summary="引用咨询内容和解答中提到的全部办事指南（答复全部引用）")
def link_mentioned_guides(request: StaffRequest, consultation_id: int) -> Status[dict[str, Any]]:
    consultation = _consultation(request, consultation_id)
    consultation_guides_link(actor=request.auth, consultation=consultation)
    return Status(201, whole(references_for(consultation)))
