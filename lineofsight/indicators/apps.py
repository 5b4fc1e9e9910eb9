from django.apps import AppConfig

from lineofsight.web.registry import add_once


class IndicatorsConfig(AppConfig):
    name = "lineofsight.indicators"
    label = "indicators"
    verbose_name = "Indicators and the improvement board"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # The import quality gate compares every indicator's latest value (intake.gate).
        from lineofsight.intake import gate

        from .gate_figures import latest_figures

        add_once(gate.FIGURE_SOURCES, latest_figures)
