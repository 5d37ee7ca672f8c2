"""The public policy pages (no login) and the center's editing pages."""
from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.catalog.models import STAGE_ORDER
from daiban.lib.errors import NotFound, ValidationFailed
from daiban.lib.forms import show_refusal
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.pages import staff_page
from daiban.org.permissions import require_role
from daiban.policy.forms import ArticleForm
from daiban.policy.guides import guide_facts
from daiban.policy.models import PUBLISHER_ROLES, Article, Kind, Status
from daiban.policy.selectors import MAX_QUERY_LENGTH, article_for, guide_rows, published_articles, search
from daiban.policy.services import (
    policy_create,
    policy_guides_generate,
    policy_publish,
    policy_unpublish,
    policy_update,
)

LATEST = 8
ARTICLE_KINDS = [Kind.POLICY, Kind.RULES, Kind.NEWS]


def _can_publish(user: User) -> bool:
    return user.is_authenticated and user.has_role(*PUBLISHER_ROLES)


def _guide_groups() -> list[dict]:
    rows = guide_rows()
    return [{"label": stage.label, "rows": [r for r in rows if r["item"].stage == stage]} for stage in STAGE_ORDER
            if any(r["item"].stage == stage for r in rows)]


@require_GET
def policy_list(request: StaffRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    sections = []
    for k in ([Kind(kind)] if kind and kind != Kind.GUIDE else [] if kind else ARTICLE_KINDS):
        articles = published_articles(k).filter(catalog_item__isnull=True)
        sections.append({"kind": k, "articles": articles if kind else articles[:LATEST],
                         "more": not kind and articles.count() > LATEST})
    return render(request, "policy/list.html", {
        "kinds": Kind.choices, "kind": kind, "sections": sections,
        "guide_groups": _guide_groups() if kind in ("", Kind.GUIDE) else [],
        "general_guides": published_articles(Kind.GUIDE).filter(catalog_item__isnull=True)
        if kind in ("", Kind.GUIDE) else [],
        "can_publish": _can_publish(request.user),
    })


@require_GET
def policy_detail(request: StaffRequest, article_id: int) -> HttpResponse:
    try:
        article = article_for(article_id, request.user)
    except NotFound:
        raise Http404("未找到该文章") from None
    item = article.catalog_item
    return render(request, "policy/detail.html", {
        "article": article, "item": item, "facts": guide_facts(item) if item else [],
        "can_publish": _can_publish(request.user),
    })


def policy_search(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    hits = search(query, limit=50, kinds=[kind] if kind else None) if query else []
    return render(request, "policy/search.html", {"q": query, "hits": hits, "kind": kind, "kinds": Kind.choices})


def _require_publisher(request: StaffRequest, action: str) -> None:
    require_role(request.user, *PUBLISHER_ROLES, action=action)


@staff_page
def policy_manage(request: StaffRequest) -> HttpResponse:
    _require_publisher(request, "policy_manage_page")
    kind = request.GET.get("kind", "")
    kind = kind if kind in Kind.values else ""
    articles = Article.objects.select_related("catalog_item", "updated_by").order_by("status", "-publish_date", "-id")
    if kind:
        articles = articles.filter(kind=kind)
    return render(request, "policy/manage.html", {
        "articles": articles, "kinds": Kind.choices, "kind": kind,
        "drafts": Article.objects.filter(status=Status.DRAFT).count(),
    })


@staff_page
@require_http_methods(["GET", "POST"])
def policy_new(request: StaffRequest) -> HttpResponse:
    _require_publisher(request, "policy_new_page")
    form = ArticleForm(request.POST or None, initial={"kind": request.GET.get("kind", Kind.POLICY)})
    if request.method == "POST" and form.is_valid():
        try:
            article = policy_create(actor=request.user, **form.values())
            if request.POST.get("action") == "publish":
                article = policy_publish(actor=request.user, article=article)
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            messages.success(request, f"已{'发布' if article.published else '保存草稿'}：{article.title}")
            return redirect("policy:edit", article_id=article.pk)
    return render(request, "policy/edit.html", {"form": form, "article": None},
                  status=422 if form.errors else 200)


@staff_page
@require_http_methods(["GET", "POST"])
def policy_edit(request: StaffRequest, article_id: int) -> HttpResponse:
    _require_publisher(request, "policy_edit_page")
    article = Article.objects.select_related("catalog_item").filter(pk=article_id).first()
    if article is None:
        raise Http404("未找到该文章")
    form = ArticleForm(request.POST or None, article=article)
    if request.method == "POST" and form.is_valid():
        try:
            article = policy_update(actor=request.user, article=article, **form.values())
        except ValidationFailed as refusal:
            show_refusal(form, refusal)
        else:
            note = "已发布的文章已同步更新公开页面和检索。" if article.published else ""
            messages.success(request, f"已保存。{note}")
            return redirect("policy:edit", article_id=article.pk)
    return render(request, "policy/edit.html", {
        "form": form, "article": article, "transitions": article.transitions.select_related("by"),
    }, status=422 if form.errors else 200)


@staff_page
@require_POST
def policy_status(request: StaffRequest, article_id: int, action: str) -> HttpResponse:
    _require_publisher(request, f"policy_{action}_page")
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        raise Http404("未找到该文章")
    try:
        if action == "publish":
            policy_publish(actor=request.user, article=article, publish_date=request.POST.get("publish_date") or None)
            messages.success(request, "已发布。")
        else:
            policy_unpublish(actor=request.user, article=article, reason=request.POST.get("reason", ""))
            messages.success(request, "已撤回为草稿，公众不再可见。")
    except ValidationFailed as refusal:
        messages.error(request, refusal.message)
    return redirect("policy:edit", article_id=article.pk)


@staff_page
@require_POST
def policy_generate_guides(request: StaffRequest) -> HttpResponse:
    _require_publisher(request, "policy_generate_guides_page")
    created = policy_guides_generate(actor=request.user)
    messages.success(request, f"已为 {len(created)} 个事项生成办事指南。" if created
                     else "每个启用的事项都已有办事指南。")
    return redirect("policy:manage")
