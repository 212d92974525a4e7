from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "luotain.web.surveys"
    label = "surveys"
    verbose_name = "Kyselyt"
