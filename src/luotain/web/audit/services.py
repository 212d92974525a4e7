"""Writing the audit log: ``record(request, action, target, **detail)`` from every staff view that changes or
takes out data."""

from __future__ import annotations

from typing import Any

from .models import AuditEvent

Action = AuditEvent.Action


def record(request_or_user: Any, action: str, target: str = "", /, **detail: Any) -> AuditEvent:
    """One event by the request's user (or the user given); ``detail`` must be JSON: filters, formats,
    counts, identifiers; never answers or contact details."""
    user = getattr(request_or_user, "user", request_or_user)
    signed_in = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user=user if signed_in else None,
        username=user.get_username() if signed_in else "",
        action=action,
        target=str(target)[:200],
        detail=detail,
    )
