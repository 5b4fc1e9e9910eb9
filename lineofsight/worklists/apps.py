from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "lineofsight.worklists"
    label = "worklists"
    verbose_name = "Worklists and chronology"
