from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "luotain.web.coding"
    label = "coding"
    verbose_name = "Avointen vastausten koodaus"
