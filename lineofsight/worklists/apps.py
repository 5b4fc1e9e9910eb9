from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "lineofsight.worklists"
    label = "worklists"
    verbose_name = "Worklists and chronology"

    def ready(self) -> None:
        # Caseload figures on the home page, after safeguarding concerns and before audit work.
        from lineofsight.web import panels

        from .home import home_panels

        panels.register(home_panels, order=10)
