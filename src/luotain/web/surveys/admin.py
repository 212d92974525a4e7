from django.contrib import admin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin[Survey]):
    list_display = ("slug", "questionnaire_id", "family", "wave", "opens_at", "closes_at", "created_at")
    readonly_fields = ("questionnaire_id", "definition", "source", "created_at", "retention_applied_at")
