"""The catalog in the Django admin. Saving goes through the services, so the admin has the same
checks (limit, prerequisite cycles) and the same audit events as the pages and the API."""
from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.widgets import FilteredSelectMultiple

from daiban.catalog.forms import CatalogItemForm
from daiban.catalog.models import CatalogItem
from daiban.catalog.selectors import prerequisite_codes
from daiban.catalog.services import catalog_item_create, catalog_item_update, catalog_item_validate
from daiban.lib.errors import ValidationFailed


class CatalogItemAdminForm(CatalogItemForm):
    class Meta(CatalogItemForm.Meta):
        fields = ["code", *CatalogItemForm.Meta.fields]
        widgets = {**CatalogItemForm.Meta.widgets,
                   "prerequisites": FilteredSelectMultiple("前置事项", False)}

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors:
            new = self.instance.pk is None
            try:
                catalog_item_validate(item=None if new else self.instance,
                                      **({"code": cleaned.get("code")} if new else {}), **self.changes())
            except ValidationFailed as refusal:
                self.show(refusal)
        return cleaned


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    form = CatalogItemAdminForm
    list_display = ("code", "name", "department", "stage", "limit_workdays", "limit_source", "level", "optional",
                    "active", "prerequisite_list")
    list_filter = ("stage", "level", "optional", "active", "department")
    search_fields = ("code", "name")
    list_select_related = ("department",)

    @admin.display(description="前置事项")
    def prerequisite_list(self, item: CatalogItem) -> str:
        return "、".join(prerequisite_codes(item)) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("prerequisites")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # items in use by cases are kept; an item leaves the catalog by being deactivated

    def save_model(self, request, obj, form, change):
        if change:
            saved = catalog_item_update(actor=request.user, item=obj, **form.changes())
        else:
            saved = catalog_item_create(actor=request.user, code=form.cleaned_data["code"], **form.changes())
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change):
        """The service has saved the prerequisites already."""
