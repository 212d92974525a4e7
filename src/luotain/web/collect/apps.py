from django.apps import AppConfig


class CollectConfig(AppConfig):
    name = "luotain.web.collect"
    label = "collect"
    verbose_name = "Vastaukset"
