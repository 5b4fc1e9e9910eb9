from django.apps import AppConfig


class PracticeWeeksConfig(AppConfig):
    name = "lineofsight.practiceweeks"
    label = "practiceweeks"
    verbose_name = "Practice weeks"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        from lineofsight.actions import sources

        from .sources import resolve_week

        sources.register("practice_week", resolve_week)

        # Safeguarding concerns can be raised from an observation (lineofsight/concerns).
        from lineofsight.concerns import sources as concern_sources

        from .concern_source import SOURCE_TYPE, resolve_observation

        concern_sources.register(SOURCE_TYPE, "Practice-week observation", resolve_observation)
