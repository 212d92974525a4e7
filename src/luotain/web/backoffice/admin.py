from django.contrib import admin

from .models import ReportJob, StaffRole


@admin.register(StaffRole)
class StaffRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "district")
    list_filter = ("role", "district")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.register(ReportJob)
class ReportJobAdmin(admin.ModelAdmin):
    list_display = ("survey", "status", "progress", "requested_by", "created_at", "finished_at")
    list_filter = ("status",)
    readonly_fields = ("survey", "requested_by", "formats", "language", "status", "progress", "step", "error")
