from django.contrib import admin

from .models import Job, StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin[StaffRole]):
    list_display = ("user", "role", "district")
    list_filter = ("role", "district")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.register(Job)
class JobAdmin(admin.ModelAdmin[Job]):
    list_display = (
        "kind",
        "survey",
        "status",
        "progress",
        "attempts",
        "requested_by",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    readonly_fields = (
        "kind",
        "survey",
        "district",
        "params",
        "requested_by",
        "status",
        "progress",
        "step",
        "result",
        "error",
        "attempts",
        "started_at",
        "heartbeat_at",
        "finished_at",
    )
