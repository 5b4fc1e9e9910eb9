from django.apps import AppConfig


class PracticeWeeksConfig(AppConfig):
    name = "lineofsight.practiceweeks"
    label = "practiceweeks"
    verbose_name = "Practice weeks"
