"""Who may see what. Every back-office view names the roles it admits; objects of a district are looked up
through the districts the user may see, so another district's object is a 404, not a 403 that confirms it
exists."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from luotain.web.partners.models import District

from .models import StaffRole

ADMIN, COORDINATOR, ANALYST = StaffRole.Role.ADMIN, StaffRole.Role.COORDINATOR, StaffRole.Role.ANALYST
ALL = (ADMIN, COORDINATOR, ANALYST)


def role_of(user: Any) -> str | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMIN
    staff = StaffRole.objects.filter(user=user).first()
    return staff.role if staff else None


def own_district(user: Any) -> District | None:
    staff = StaffRole.objects.filter(user=user).select_related("district").first()
    return staff.district if staff and staff.role == COORDINATOR else None


def visible_districts(user: Any) -> QuerySet[District]:
    """Every district for administrators and analysts; a coordinator's own district only."""
    if role_of(user) == COORDINATOR:
        district = own_district(user)
        return District.objects.filter(pk=district.pk) if district else District.objects.none()
    return District.objects.all()


def staff_view(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """The view admits signed-in users of these roles: others are sent to sign in, or refused (403)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            role = role_of(request.user)
            if role not in roles:
                raise PermissionDenied
            request.staff_role = role  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        wrapped.staff_roles = tuple(roles)  # type: ignore[attr-defined]
        return wrapped

    return decorate
