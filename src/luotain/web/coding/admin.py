from django.contrib import admin

from .models import CodeAssignment, SurveyCodebook


@admin.register(SurveyCodebook)
class SurveyCodebookAdmin(admin.ModelAdmin[SurveyCodebook]):
    list_display = ("survey", "question_id", "updated_at")


@admin.register(CodeAssignment)
class CodeAssignmentAdmin(admin.ModelAdmin[CodeAssignment]):
    list_display = ("question_id", "code", "source", "coded_by", "coded_at")
    list_filter = ("question_id", "source")
    raw_id_fields = ("response",)
