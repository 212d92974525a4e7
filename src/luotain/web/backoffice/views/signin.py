"""Signing in, with limits: failed tries per user name and tries per client (luotain.web.security)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from luotain.web import security


class SignInView(auth_views.LoginView):
    template_name = "backoffice/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = security.client_address(request)
        self.user_name = str(request.POST.get("username", ""))[:150]
        wait = security.wait_seconds(
            [
                ("signin-client", client, "LUOTAIN_RATE_SIGNIN_CLIENT"),
                ("signin-user", self.user_name, "LUOTAIN_RATE_SIGNIN_USER"),
            ]
        )
        if wait is not None:
            return security.too_many(request, wait)
        security.count("signin-client", client, "LUOTAIN_RATE_SIGNIN_CLIENT")
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        security.count("signin-user", self.user_name, "LUOTAIN_RATE_SIGNIN_USER")
        return super().form_invalid(form)
