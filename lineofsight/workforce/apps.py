from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    """The workforce behind practice as the council records it: newly qualified social workers'
    assessed first year, and learning and development (courses, sessions, attendance, the skills
    matrix of practice leads)."""

    name = "lineofsight.workforce"
    label = "workforce"
    verbose_name = "The workforce behind practice"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Training needs are raised as improvement actions from a course or a coverage gap.
        from . import sources

        sources.register()
