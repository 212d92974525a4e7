from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "luotain.web.partners"
    label = "partners"
    verbose_name = "Kumppanirekisteri"
