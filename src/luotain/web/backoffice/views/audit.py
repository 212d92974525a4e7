"""The audit log for administrators: who did what and when, newest first, filtered by action or user."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from luotain.web.audit.models import AuditEvent

from ..access import ADMIN, staff_view
from .common import page

PAGE_SIZE = 200


@staff_view(ADMIN)
def audit_log(request: HttpRequest) -> HttpResponse:
    events = AuditEvent.objects.all()
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    else:
        action = ""
    username = request.GET.get("user", "").strip()[:150]
    if username:
        events = events.filter(username=username)
    rows = [(e, json.dumps(e.detail, ensure_ascii=False, sort_keys=True)) for e in events[:PAGE_SIZE]]
    return page(
        request,
        "backoffice/audit.html",
        {
            "title": _("Audit log"),
            "rows": rows,
            "actions": AuditEvent.Action.choices,
            "action": action,
            "username": username,
            "page_size": PAGE_SIZE,
        },
    )
