from django.apps import AppConfig


class PracticeWeeksConfig(AppConfig):
    name = "lineofsight.practiceweeks"
    label = "practiceweeks"
    verbose_name = "Practice weeks"

    def ready(self) -> None:
        from lineofsight.actions import sources

        from .sources import resolve_week

        sources.register("practice_week", resolve_week)
