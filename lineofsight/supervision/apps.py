from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "lineofsight.supervision"
    label = "supervision"
    verbose_name = "Group reflective supervision"
