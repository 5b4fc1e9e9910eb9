from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "lineofsight.history"
    label = "history"
    verbose_name = "Change history"
