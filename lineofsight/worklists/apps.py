from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "lineofsight.worklists"
    label = "worklists"
    verbose_name = "Worklists"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Caseload figures on the home page, after safeguarding concerns and before audit work.
        from lineofsight.web import panels

        from .home import home_panels

        panels.register(home_panels, order=10)
