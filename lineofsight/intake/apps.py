from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lineofsight.intake"
    label = "intake"
