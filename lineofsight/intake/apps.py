from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lineofsight.intake"
    label = "intake"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # The last import and imports waiting for review, on the analyst's home page.
        from lineofsight.web import panels

        from . import background, services
        from .home import home_panels

        panels.register(home_panels, order=5)
        # An upload's import, queued from the Imports page for the worker.
        background.register(services.UPLOADED_IMPORT, services.uploaded_import_work)
