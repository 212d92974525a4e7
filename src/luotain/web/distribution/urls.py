from django.urls import path

from . import views

app_name = "distribution"

urlpatterns = [
    path("s/<slug:slug>/optout/<str:token>/", views.opt_out, name="opt_out"),
]
