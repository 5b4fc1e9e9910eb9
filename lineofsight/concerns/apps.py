from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "lineofsight.concerns"
    label = "concerns"
    verbose_name = "Safeguarding concerns"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Audits and practice weeks register their records as sources in their own ready().
        from lineofsight.web import panels

        from .selectors import home_panels

        panels.register(home_panels, order=0)  # a concern cannot wait: first on the page
