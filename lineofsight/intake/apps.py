from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lineofsight.intake"
    label = "intake"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # The last import and imports waiting for review, on the analyst's home page.
        from lineofsight.web import panels

        from .home import home_panels

        panels.register(home_panels, order=5)
