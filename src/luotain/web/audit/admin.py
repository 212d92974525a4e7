from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read only: the log is written by the application, never edited."""

    list_display = ("at", "username", "channel", "via", "action", "target")
    list_filter = ("action", "channel")
    search_fields = ("username", "target")
    date_hierarchy = "at"
    readonly_fields = ("at", "user", "username", "channel", "via", "action", "target", "detail")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
