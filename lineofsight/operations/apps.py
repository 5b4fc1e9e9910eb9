from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "lineofsight.operations"
    label = "operations"
    verbose_name = "Operations: backups, restores and retention"
