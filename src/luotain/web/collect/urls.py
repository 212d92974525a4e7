from django.urls import path

from . import views

app_name = "collect"

urlpatterns = [
    path("s/<slug:slug>/", views.survey_home, name="home"),
    path("s/<slug:slug>/piiri/<slug:district>/", views.survey_home, name="district_home"),
    path("s/<slug:slug>/v/<str:token>/", views.resume, name="resume"),
    path("s/<slug:slug>/v/<str:token>/<int:number>/", views.page, name="page"),
    path("s/<slug:slug>/v/<str:token>/kiitos/", views.thanks, name="thanks"),
]
