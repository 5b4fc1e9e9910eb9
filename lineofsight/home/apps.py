from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Each role's home page, the navigation, and the demonstration council's data: they gather
    every app's pages and records, so this app sits on top."""

    name = "lineofsight.home"
    label = "home"
    verbose_name = "Home pages and demonstration"
