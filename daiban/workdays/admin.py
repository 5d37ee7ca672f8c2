"""Read-only in the Django admin: imports and confirmations go through the services (audit, hooks)."""
from django.contrib import admin

from daiban.workdays.models import CalendarDay, CalendarYear


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ["date", "is_workday", "name"]
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "confirmed", "confirmed_by", "confirmed_at", "note", "updated_at"]
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "is_workday", "name", "year"]
    list_filter = ["year", "is_workday"]
    date_hierarchy = "date"
