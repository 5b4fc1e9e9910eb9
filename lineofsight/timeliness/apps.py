from django.apps import AppConfig

from lineofsight.web.registry import add_once


class TimelinessConfig(AppConfig):
    name = "lineofsight.timeliness"
    label = "timeliness"
    verbose_name = "Timeliness and drift"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Every import (and every recompute) computes the derived tables into the new snapshot.
        from lineofsight.intake import background, pipeline

        from . import services
        from .postload import timeliness_and_drift

        add_once(pipeline.POST_LOAD_STEPS, timeliness_and_drift)
        # Recomputing from the Timescales page, queued for the worker as imports are.
        background.register(services.RECOMPUTE, services.snapshot_recompute_work)
