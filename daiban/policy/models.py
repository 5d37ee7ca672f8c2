"""The policy library (政策法规、服务规则、新闻动态、办事指南), its search index, and the guides and
policies a consultation's answer refers to."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from daiban.catalog.models import CatalogItem
from daiban.org.roles import Role


class Kind(models.TextChoices):
    POLICY = "policy", "政策法规"
    RULES = "rules", "服务规则"
    NEWS = "news", "新闻动态"
    GUIDE = "guide", "办事指南"


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


# Who writes, publishes and withdraws the county's articles and guides.
PUBLISHER_ROLES = (Role.CENTER_ADMIN,)

# The state machine of an article: publish, and take back (unpublish) to a draft.
ALLOWED_STATUS_CHANGES: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.PUBLISHED}),
    Status.PUBLISHED: frozenset({Status.DRAFT}),
}


class Article(models.Model):
    """An article the county center publishes. A guide (办事指南) may belong to a catalog item: its
    facts (materials, time limit, department, where and how) are then always the item's own, and the
    article adds the center's title, document number and notes."""

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    source = models.CharField("来源（发布机关）", max_length=100, blank=True)
    doc_number = models.CharField("文号", max_length=60, blank=True)
    publish_date = models.DateField("发布日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    catalog_item = models.ForeignKey(CatalogItem, verbose_name="对应事项", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="guide_articles")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="撰稿人", on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField("创建时间")
    updated_at = models.DateTimeField("修改时间")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="修改人", on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "政策与公开文章"
        ordering = ["-publish_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["catalog_item"], condition=Q(catalog_item__isnull=False),
                                    name="policy_one_guide_per_catalog_item"),
            models.CheckConstraint(condition=Q(catalog_item__isnull=True) | Q(kind=Kind.GUIDE),
                                   name="policy_only_guides_have_a_catalog_item"),
            models.CheckConstraint(condition=Q(status=Status.DRAFT) | Q(publish_date__isnull=False),
                                   name="policy_published_has_a_date"),
        ]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self) -> str:
        return self.title

    @property
    def published(self) -> bool:
        return self.status == Status.PUBLISHED


class ArticleTransition(models.Model):
    """Each publication and withdrawal of an article, as a row."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=10, choices=Status.choices)
    to_status = models.CharField("新状态", max_length=10, choices=Status.choices)
    at = models.DateTimeField("时间")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+")
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "文章发布记录"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.article} · {self.get_from_status_display()} → {self.get_to_status_display()}"


class SearchDocument(models.Model):
    """One searchable thing: an article, or the guide of a catalog item (with its guide article)."""

    key = models.CharField(max_length=40, unique=True)  # "article:12" or "guide:L05"
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    catalog_item = models.ForeignKey(CatalogItem, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("正文")  # what snippets are cut from
    url = models.CharField(max_length=200)
    public = models.BooleanField(default=False)

    class Meta:
        verbose_name = verbose_name_plural = "检索文档"

    def __str__(self) -> str:
        return self.key


class SearchTerm(models.Model):
    """A segmented word of a document: how often it occurs in the title and in the text."""

    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="terms")
    term = models.CharField(max_length=32)
    in_title = models.BooleanField()
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = verbose_name_plural = "检索词"
        constraints = [models.UniqueConstraint(fields=["document", "term", "in_title"], name="policy_term_once")]
        indexes = [models.Index(fields=["term"])]

    def __str__(self) -> str:
        return self.term


class ConsultationReference(models.Model):
    """A guide or policy that a consultation's answer (intake.Consultation) refers to."""

    consultation = models.ForeignKey("intake.Consultation", verbose_name="咨询记录", on_delete=models.CASCADE,
                                     related_name="references")
    article = models.ForeignKey(Article, verbose_name="政策文章", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="consultation_references")
    catalog_item = models.ForeignKey(CatalogItem, verbose_name="办事指南（事项）", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="consultation_references")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="关联人", on_delete=models.PROTECT,
                                 related_name="+")
    added_at = models.DateTimeField("关联时间")

    class Meta:
        verbose_name = verbose_name_plural = "咨询解答引用"
        ordering = ["added_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(article__isnull=True, catalog_item__isnull=False)
                | Q(article__isnull=False, catalog_item__isnull=True),
                name="policy_reference_names_one_thing"),
            models.UniqueConstraint(fields=["consultation", "article"], condition=Q(article__isnull=False),
                                    name="policy_reference_article_once"),
            models.UniqueConstraint(fields=["consultation", "catalog_item"], condition=Q(catalog_item__isnull=False),
                                    name="policy_reference_item_once"),
        ]

    def __str__(self) -> str:
        return str(self.article or self.catalog_item)
