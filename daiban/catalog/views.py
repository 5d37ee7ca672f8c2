"""The catalog pages: public reading by stage, a guide per item, and the center's edit form."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from daiban.catalog.forms import CatalogItemForm
from daiban.catalog.models import STAGE_ORDER, CatalogItem, Stage
from daiban.catalog.selectors import active_items, follower_codes, item_by_code, prerequisite_codes
from daiban.catalog.services import CATALOG_ROLES
from daiban.lib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from daiban.org.http import StaffRequest
from daiban.org.models import User
from daiban.org.permissions import require_role
from daiban.plans.catalog_changes import catalog_item_change, items_in_use


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


@login_required
@require_http_methods(["GET", "POST"])
def catalog_edit(request: StaffRequest, code: str) -> HttpResponse:
    try:
        require_role(request.user, *CATALOG_ROLES, action="catalog_edit_page")
    except Forbidden:
        raise PermissionDenied from None
    item = _item(code)
    title = str(item)  # the form writes the posted values into `item` while it validates
    form = CatalogItemForm(request.POST or None, instance=item)
    in_use = list(items_in_use(item))
    if request.method == "POST" and form.is_valid():
        try:
            catalog_item_change(actor=request.user, item=item, changes=form.changes(), **form.case_terms())
        except ValidationFailed as refusal:
            form.show(refusal)
        except Conflict as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"已保存事项 {code}。")
            return redirect("catalog:detail", code=code)
    return render(request, "catalog/edit.html", {"form": form, "code": code, "title": title, "in_use": in_use},
                  status=422 if form.errors else 200)
