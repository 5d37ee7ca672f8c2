"""The catalog pages: public reading by stage and a guide per item. The center's edit form is plans'
(daiban/plans/catalog_views.py): an edit reports its effect on running plans."""
from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from daiban.catalog.models import STAGE_ORDER, CatalogItem, Stage
from daiban.catalog.selectors import active_items, follower_codes, item_by_code, prerequisite_codes
from daiban.catalog.services import CATALOG_ROLES
from daiban.lib.errors import NotFound
from daiban.org.http import StaffRequest
from daiban.org.models import User


def _can_edit(user: User) -> bool:
    return user.is_authenticated and user.has_role(*CATALOG_ROLES)


def _item(code: str) -> CatalogItem:
    try:
        return item_by_code(code)
    except NotFound:
        raise Http404 from None


def _row(item: CatalogItem) -> dict:
    return {"item": item, "prerequisites": prerequisite_codes(item)}


@require_GET
def catalog_list(request: StaffRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    if stage not in Stage.values:
        stage = ""
    items = list(active_items(stage or None))
    groups = [{"label": s.label, "stage": s.value, "rows": [_row(i) for i in items if i.stage == s]}
              for s in STAGE_ORDER]
    can_edit = _can_edit(request.user)
    inactive = []
    if can_edit and not stage:
        inactive = [_row(i) for i in CatalogItem.objects.filter(active=False).select_related("department")
                    .prefetch_related("prerequisites")]
    return render(request, "catalog/list.html", {
        "groups": [g for g in groups if g["rows"]], "stages": Stage.choices, "stage": stage,
        "can_edit": can_edit, "inactive": inactive,
    })


@require_GET
def catalog_detail(request: StaffRequest, code: str) -> HttpResponse:
    item = _item(code)
    return render(request, "catalog/detail.html", {
        "item": item, "prerequisites": prerequisite_codes(item), "followers": follower_codes(item),
        "can_edit": _can_edit(request.user),
    })
