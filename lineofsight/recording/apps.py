from django.apps import AppConfig


class RecordingConfig(AppConfig):
    name = "lineofsight.recording"
    label = "recording"
    verbose_name = "Recording: the quality of case notes"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Every import (and every recompute) checks each case note into the new snapshot.
        from lineofsight.indicators import engine
        from lineofsight.intake import pipeline

        from .derive import recording_checks
        from .table import TABLE

        if recording_checks not in pipeline.POST_LOAD_STEPS:
            pipeline.POST_LOAD_STEPS.append(recording_checks)
        # The recording indicators read the table (indicators/definitions/6_recording.yml).
        engine.register_derived_table(
            TABLE,
            missing="Case notes have not been checked for this data: import it again, or run "
            "lineofsight recompute.",
        )
