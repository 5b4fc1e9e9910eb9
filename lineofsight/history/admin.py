from django.contrib import admin

from .models import ChangeEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """For a record kept as evidence (history, the access log): shown, never added, changed or
    deleted through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeEvent)
class ChangeEventAdmin(ReadOnlyAdmin):
    """Read-only: history is never edited."""

    list_display = ("at", "actor", "action", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id")
