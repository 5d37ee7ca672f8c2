"""The center's article form. It checks shapes only; policy_create/policy_update judge the content."""
from __future__ import annotations

from typing import Any

from django import forms

from daiban.catalog.models import CatalogItem
from daiban.lib.forms import choice_field, mark_required
from daiban.policy.models import Article, Kind


def _catalog_choices() -> list[tuple[str, str]]:
    items = CatalogItem.objects.filter(active=True).order_by("sort", "code").values_list("code", "name")
    return [("", "（不对应事项）"), *((code, f"{code} {name}") for code, name in items)]


class ArticleForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    title = forms.CharField(label="标题", max_length=200, required=False)
    source = forms.CharField(label="来源（发布机关）", max_length=100, required=False)
    doc_number = forms.CharField(label="文号", max_length=60, required=False,
                                 widget=forms.TextInput(attrs={"placeholder": "如：平政办〔2018〕45号"}))
    publish_date = forms.DateField(label="发布日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                   help_text="不填则以发布当天为发布日期",
                                   error_messages={"invalid": "日期格式应为 YYYY-MM-DD"})
    catalog_item = forms.ChoiceField(label="对应事项（办事指南）", required=False,
                                     help_text="办事指南对应事项时，申请材料、时限、部门、地点和方式均取自事项库，正文作补充说明")
    body = forms.CharField(label="正文", required=False, widget=forms.Textarea(attrs={"rows": 16}))

    field_order = ["kind", "title", "source", "doc_number", "publish_date", "catalog_item", "body"]

    def __init__(self, *args, article: Article | None = None, **kwargs):
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": article.kind, "title": article.title, "source": article.source,
                "doc_number": article.doc_number, "publish_date": article.publish_date, "body": article.body,
                "catalog_item": article.catalog_item.code if article.catalog_item else "",
            }
        super().__init__(*args, **kwargs)
        choice_field(self.fields["catalog_item"]).choices = _catalog_choices()
        mark_required(self.fields["title"])

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["catalog_item"] = data["catalog_item"] or None
        return data
