from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from daiban.lib.personal import lookup_hash
from daiban.org.models import AgencyBody, AgencyWindow, Department, Region, RoleGrant, User


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")


class WindowInline(admin.TabularInline):
    model = AgencyWindow
    extra = 0


@admin.register(AgencyBody)
class AgencyBodyAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "parent", "government", "authority", "phone")
    list_filter = ("kind",)
    search_fields = ("name",)
    inlines = [WindowInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "region", "phone")
    list_filter = ("kind", "region")
    search_fields = ("name", "code")


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    extra = 0
    can_delete = False
    readonly_fields = ("role", "granted_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Shown, never edited, here: accounts, roles and credentials change on /accounts/manage/ through
    the security administrator's services (三权分立, audited); User.has_perm grants only "view"."""

    list_display = ("username", "full_name", "title", "body", "department", "is_active")
    list_filter = ("body", "department", "is_active")
    search_fields = ("username", "full_name")

    def get_search_results(self, request, queryset, search_term):
        # A mobile number is found by its keyed hash, typed in full (lib/personal.py).
        found, duplicates = super().get_search_results(request, queryset, search_term)
        digest = lookup_hash(search_term, kind="phone") if search_term.strip().isdigit() else ""
        if digest:
            found = found | queryset.filter(mobile_hash=digest)
        return found, duplicates
    fieldsets = (
        (None, {"fields": ("username",)}),
        ("个人信息", {"fields": ("full_name", "title", "body", "department", "region",
                              "section_level", "department_head", "senior_agent")}),
        ("状态", {"fields": ("is_active", "password_changed_at", "password_must_change", "last_login",
                           "date_joined")}),
    )
    inlines = [RoleGrantInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
