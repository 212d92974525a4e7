from django.contrib import admin
from django.urls import include, path

from luotain.web.health import health

urlpatterns = [
    path("health/", health, name="health"),
    # The respondent's pages first: nearly every request is one of them, and patterns are tried in order.
    path("", include("luotain.web.collect.urls")),
    path("", include("luotain.web.distribution.urls")),
    path("admin/", admin.site.urls),
    path("hallinta/", include("luotain.web.backoffice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler404 = "luotain.web.collect.views.not_found"
handler500 = "luotain.web.collect.views.server_error"
