from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "lineofsight.actions"
    label = "actions"
    verbose_name = "Improvement actions"
