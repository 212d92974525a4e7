from django.contrib import admin

from .models import QuoteSelection, Response


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin[Response]):
    list_display = ("public_id", "survey", "submitted_at", "source")
    list_filter = ("survey", "source")
    readonly_fields = ("public_id", "survey", "draft", "answers", "submitted_at", "source")


@admin.register(QuoteSelection)
class QuoteSelectionAdmin(admin.ModelAdmin[QuoteSelection]):
    list_display = ("question_id", "response", "created_at")
    list_filter = ("question_id",)
    raw_id_fields = ("response",)
