from django.apps import AppConfig


class TimelinessConfig(AppConfig):
    name = "lineofsight.timeliness"
    label = "timeliness"
    verbose_name = "Timeliness and drift"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Every import (and every recompute) computes the derived tables into the new snapshot.
        from lineofsight.intake import pipeline

        from .postload import timeliness_and_drift

        if timeliness_and_drift not in pipeline.POST_LOAD_STEPS:
            pipeline.POST_LOAD_STEPS.append(timeliness_and_drift)
