from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "luotain.web.distribution"
    label = "distribution"
    verbose_name = "Jakelu"
