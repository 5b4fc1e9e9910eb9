from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "lineofsight.audits"
    label = "audits"
    verbose_name = "Case-file audits"
