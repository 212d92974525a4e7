from django.contrib import admin
from django.urls import include, path

from luotain.web.health import health

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", admin.site.urls),
    path("hallinta/", include("luotain.web.backoffice.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("luotain.web.collect.urls")),
    path("", include("luotain.web.distribution.urls")),
]

handler404 = "luotain.web.collect.views.not_found"
handler500 = "luotain.web.collect.views.server_error"
