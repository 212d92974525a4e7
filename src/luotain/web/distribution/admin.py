from django.contrib import admin

from .models import Invitation


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = (
        "survey",
        "organisation",
        "district",
        "delivery",
        "sent_at",
        "reminders_sent",
        "opted_out_at",
    )
    list_filter = ("survey", "delivery", "district")
    readonly_fields = ("nonce", "draft", "error")
