from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "lineofsight.actions"
    label = "actions"
    verbose_name = "Improvement actions"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        from lineofsight.web import panels

        from . import indicator_source, indicators
        from .home import home_panels

        # Indicators sit below this app, so it describes them; the apps above (audits,
        # supervision, practice weeks, feedback) register their own sources in their ready().
        indicator_source.register()
        indicators.register()  # overdue actions, counted for the improvement board
        panels.register(home_panels, order=20)  # action plans, after caseload figures
