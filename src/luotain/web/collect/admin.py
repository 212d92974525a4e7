from django.contrib import admin

from .models import Response


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
    list_display = ("public_id", "survey", "submitted_at", "source")
    list_filter = ("survey", "source")
    readonly_fields = ("public_id", "survey", "draft", "answers", "submitted_at", "source")
