from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "lineofsight.synthetic"
    label = "synthetic"
