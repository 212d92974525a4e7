from django.contrib.auth import views as auth_views
from django.urls import path

from .views import audit, coding, districts, jobs, reports, results, signin, surveys

app_name = "backoffice"

urlpatterns = [
    path("kirjaudu/", signin.SignInView.as_view(), name="login"),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("", surveys.home, name="home"),
    path("kyselyt/uusi/", surveys.new_survey, name="new_survey"),
    path("kyselyt/<slug:slug>/", surveys.survey, name="survey"),
    path("kyselyt/<slug:slug>/ikkuna/", surveys.window, name="window"),
    path("kyselyt/<slug:slug>/avaa/", surveys.open_now, name="open"),
    path("kyselyt/<slug:slug>/sulje/", surveys.close_now, name="close"),
    path("kyselyt/<slug:slug>/esikatselu/", surveys.preview, name="preview"),
    path("kyselyt/<slug:slug>/tulokset/", results.results, name="results"),
    path("kyselyt/<slug:slug>/koodaus/", coding.index, name="coding"),
    path("kyselyt/<slug:slug>/koodaus/<str:question_id>/", coding.question, name="coding_question"),
    path("kyselyt/<slug:slug>/raportit/", reports.reports, name="reports"),
    path("kyselyt/<slug:slug>/raportit/<int:job_id>/<str:fmt>/", reports.download, name="download"),
    path("tyot/", jobs.job_list, name="jobs"),
    path("loki/", audit.audit_log, name="audit"),
    path("piirit/", districts.districts, name="districts"),
    path("piirit/<slug:district_slug>/", districts.district, name="district"),
    path("piirit/<slug:district_slug>/kutsu/<slug:slug>/", districts.send_invitations, name="invite"),
]
