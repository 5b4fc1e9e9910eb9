from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lineofsight.web"
    label = "web"
