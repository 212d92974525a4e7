from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from luotain.web.health import health

urlpatterns = [
    path("health/", health, name="health"),
    # The address the server prints: the back office, which asks a visitor who is not signed in to sign in.
    path("", RedirectView.as_view(pattern_name="backoffice:home"), name="root"),
    # The respondent's pages first: nearly every request is one of them, and patterns are tried in order.
    path("", include("luotain.web.collect.urls")),
    path("", include("luotain.web.distribution.urls")),
    path("admin/", admin.site.urls),
    path("hallinta/", include("luotain.web.backoffice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "luotain.web.collect.views.not_found"
handler500 = "luotain.web.collect.views.server_error"
