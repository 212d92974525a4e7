"""Sign-ins, sign-outs and failed sign-ins into the audit log (the back office and the admin alike)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import AuditEvent
from .services import Actor, record


@receiver(user_logged_in)
def _signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    record(Actor.of(user), AuditEvent.Action.SIGN_IN)


@receiver(user_logged_out)
def _signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(Actor.of(user), AuditEvent.Action.SIGN_OUT)


@receiver(user_login_failed)
def _failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    name = str(credentials.get("username", ""))[:150]
    known = get_user_model().objects.filter(username=name).first() if name else None
    AuditEvent.objects.create(
        user=known, username=name if known else "", action=AuditEvent.Action.SIGN_IN_FAILED
    )
