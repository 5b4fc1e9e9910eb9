from django.apps import AppConfig


class ThemesConfig(AppConfig):
    name = "lineofsight.themes"
    label = "themes"
    verbose_name = "Practice themes"
