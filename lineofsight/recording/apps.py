from django.apps import AppConfig

from lineofsight.web.registry import add_once


class RecordingConfig(AppConfig):
    name = "lineofsight.recording"
    label = "recording"
    verbose_name = "Recording: the quality of case notes"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Every import (and every recompute) checks each case note into the new snapshot.
        from lineofsight.indicators import coverage, engine
        from lineofsight.intake import pipeline

        from .derive import EARLY_START, recording_checks
        from .table import TABLE

        add_once(pipeline.POST_LOAD_STEPS, recording_checks)
        # Checking starts as soon as the notes and the children's names are written, in worker
        # processes, while the import writes the rest.
        add_once(pipeline.EARLY_STARTS, EARLY_START)
        # The recording indicators read the table (indicators/definitions/6_recording.yml).
        engine.register_derived_table(
            TABLE,
            missing="Case notes have not been checked for this data: import it again, or run "
            "lineofsight recompute.",
        )
        # The child's own words are found by their first name ("Amy said"), and other people
        # named by the names of every child (derive.py).
        coverage.register_derived_column("child_voice", fields={"pers_forename"})
        coverage.register_derived_column("other_people", fields={"pers_forename"})
