from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The demonstration council's data: it gathers every app's records, so it sits on top."""

    name = "lineofsight.home"
    label = "home"
    verbose_name = "Demonstration"
