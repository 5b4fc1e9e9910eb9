from django.apps import AppConfig


class TimelinessConfig(AppConfig):
    name = "lineofsight.timeliness"
    label = "timeliness"
    verbose_name = "Timeliness and drift"
