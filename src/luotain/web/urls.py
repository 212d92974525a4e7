from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("luotain.web.collect.urls")),
    path("", include("luotain.web.distribution.urls")),
]

handler404 = "luotain.web.collect.views.not_found"
handler500 = "luotain.web.collect.views.server_error"
