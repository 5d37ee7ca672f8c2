"""The county center's edit page of a catalog item (/catalog/<code>/edit/, in the catalog's URL names): here
because a change reports what it means for the open cases that use the item (catalog_changes.py); daiban/urls.py
mounts it beside the catalog's own pages."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daiban.catalog.forms import CatalogItemForm
from daiban.catalog.selectors import item_by_code
from daiban.catalog.services import CATALOG_ROLES
from daiban.lib.errors import Conflict, Forbidden, NotFound, ValidationFailed
from daiban.org.http import StaffRequest
from daiban.org.permissions import require_role
from daiban.plans.catalog_changes import catalog_item_change, items_in_use


@login_required
@require_http_methods(["GET", "POST"])
def catalog_edit(request: StaffRequest, code: str) -> HttpResponse:
    try:
        require_role(request.user, *CATALOG_ROLES, action="catalog_edit_page")
    except Forbidden:
        raise PermissionDenied from None
    try:
        item = item_by_code(code)
    except NotFound:
        raise Http404 from None
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
