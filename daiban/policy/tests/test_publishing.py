"""Only the county center publishes; the public sees what is published, at once and only that."""
from __future__ import annotations

import pytest

from daiban.audit.models import AuditEvent
from daiban.catalog.models import CatalogItem
from daiban.lib.errors import Forbidden
from daiban.policy.models import Article, ArticleTransition, Status
from daiban.policy.services import policy_create, policy_publish, policy_unpublish, policy_update

pytestmark = pytest.mark.django_db

NEW = {"kind": "news", "title": "滨海新区代办服务站揭牌", "body": "滨海新区投资项目代办服务站正式揭牌运行。"}


def test_only_the_center_publishes(api_as, person):
    agent = api_as("aojiang")
    assert agent.post("policy/articles", {**NEW, "publish": True}).status_code == 403
    assert not Article.objects.filter(title=NEW["title"]).exists()
    center = api_as("center")
    created = center.post("policy/articles", NEW)
    assert created.status_code == 201 and created.json()["status"] == "draft"
    article_id = created.json()["id"]
    assert agent.post(f"policy/articles/{article_id}/publish", {}).status_code == 403
    assert api_as("inspector").patch(f"policy/articles/{article_id}", {"title": "改"}).status_code == 403
    assert api_as(None).post(f"policy/articles/{article_id}/publish", {}).status_code == 401
    published = center.post(f"policy/articles/{article_id}/publish", {})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert agent.post(f"policy/articles/{article_id}/unpublish", {}).status_code == 403
    with pytest.raises(Forbidden):
        policy_update(actor=person("kunyang"), article=Article.objects.get(pk=article_id), title="改")
    assert AuditEvent.objects.filter(event_type="access.refused", actor_name="aojiang").count() >= 2


def test_publishing_is_audited_and_each_change_is_a_row(person):
    center = person("center")
    article = policy_create(actor=center, **NEW)
    policy_publish(actor=center, article=article)
    policy_update(actor=center, article=article, title="滨海新区投资项目代办服务站揭牌")
    policy_unpublish(actor=center, article=article, reason="重复发布")
    events = list(AuditEvent.objects.filter(object_type="policy.article", object_id=str(article.pk))
                  .order_by("seq").values_list("event_type", flat=True))
    assert events == ["policy.article_created", "policy.article_published", "policy.article_updated",
                      "policy.article_unpublished"]
    rows = list(ArticleTransition.objects.filter(article=article).values_list("from_status", "to_status", "note"))
    assert rows == [("draft", "published", ""), ("published", "draft", "重复发布")]


def test_a_draft_cannot_be_published_without_a_body_nor_twice(api_as):
    center = api_as("center")
    draft = center.post("policy/articles", {"kind": "policy", "title": "空白稿"}).json()
    answer = center.post(f"policy/articles/{draft['id']}/publish", {})
    assert answer.status_code == 422 and answer.json()["fields"][0]["field"] == "body"
    center.patch(f"policy/articles/{draft['id']}", {"body": "正文。"})
    assert center.post(f"policy/articles/{draft['id']}/publish", {}).status_code == 200
    assert center.post(f"policy/articles/{draft['id']}/publish", {}).status_code == 409
    future = center.post("policy/articles",
                         {"kind": "news", "title": "未来", "body": "x", "publish_date": "2999-01-01"})
    assert future.status_code == 422 and future.json()["fields"][0]["field"] == "publish_date"


def test_the_public_pages_show_published_articles_only_and_need_no_login(client, publish):
    shown = publish(title="关于优化代办服务流程的通知", body="代办员应在 1 个工作日内与企业联系。", kind="rules")
    hidden = publish(title="内部草稿：代办考核细则", body="草稿内容。", kind="rules", draft=True)
    page = client.get("/policy/", {"kind": "rules"}).content.decode()
    assert shown.title in page and hidden.title not in page
    assert client.get(f"/policy/{shown.pk}/").status_code == 200
    assert client.get(f"/policy/{hidden.pk}/").status_code == 404
    assert client.get("/policy/manage/").status_code == 302  # to the login page


def test_the_center_previews_drafts_and_manages_them_on_its_pages(client, person, publish):
    hidden = publish(title="内部草稿：代办考核细则", body="草稿内容。", kind="rules", draft=True)
    assert client.login(username="center")
    assert "尚未发布" in client.get(f"/policy/{hidden.pk}/").content.decode()
    assert hidden.title in client.get("/policy/manage/").content.decode()
    answer = client.post("/policy/new/", {"kind": "news", "title": "萧江镇代办服务站开展上门服务", "body": "上门服务。",
                                          "action": "publish"})
    article = Article.objects.get(title="萧江镇代办服务站开展上门服务")
    assert answer.status_code == 302 and article.status == Status.PUBLISHED
    client.post(f"/policy/{article.pk}/unpublish/", {"reason": "重写"})
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_an_agent_is_refused_the_editing_pages(client, person):
    assert client.login(username="aojiang")
    assert client.get("/policy/manage/").status_code == 403
    assert client.post("/policy/new/", {"kind": "news", "title": "x", "body": "y"}).status_code == 403
    assert client.get("/policy/").status_code == 200


def test_every_catalog_item_has_a_published_guide_with_its_facts(client, demo):
    codes = set(CatalogItem.objects.filter(active=True).values_list("code", flat=True))
    guides = Article.objects.filter(kind="guide", status=Status.PUBLISHED, catalog_item__isnull=False)
    assert set(guides.values_list("catalog_item__code", flat=True)) == codes
    listing = client.get("/policy/", {"kind": "guide"}).content.decode()
    assert all(f'href="/catalog/{code}/"' in listing for code in codes)
    assert "如何申请企业投资项目政府代办服务" in listing
    guide = guides.get(catalog_item__code="L05")
    page = client.get(f"/policy/{guide.pk}/").content.decode()
    for fact in ("生态环境局", "10 个工作日", "环境影响报告表", "环评编制机构", "不需要，由代办员代为办理",
                 "代办服务全程免费"):
        assert fact in page


def test_a_guide_follows_its_catalog_item_and_new_items_get_one(api_as, person):
    from daiban.catalog.services import catalog_item_create
    from daiban.policy.services import policy_guides_generate

    center = person("center")
    catalog_item_create(actor=center, code="L09", name="洪水影响评价审批", department="水利局", stage="1",
                        limit_workdays=10, materials="洪水影响评价报告")
    assert api_as(None).get("policy/search", {"q": "洪水影响评价"}).json()["items"][0]["code"] == "L09"
    created = policy_guides_generate(actor=center)
    assert [a.catalog_item.code for a in created] == ["L09"]
    assert policy_guides_generate(actor=center) == []


def test_only_a_guide_belongs_to_a_catalog_item_and_only_one_to_each(api_as):
    center = api_as("center")
    wrong = center.post("policy/articles", {"kind": "news", "title": "x", "body": "y", "catalog_item": "L05"})
    assert wrong.status_code == 422 and wrong.json()["fields"][0]["field"] == "catalog_item"
    twice = center.post("policy/articles", {"kind": "guide", "title": "环评指南", "catalog_item": "L05"})
    assert twice.status_code == 422 and "已有办事指南" in twice.json()["fields"][0]["message"]
