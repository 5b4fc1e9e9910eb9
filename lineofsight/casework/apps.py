from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "lineofsight.casework"
    label = "casework"
