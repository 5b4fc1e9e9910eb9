from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lineofsight.feedback"
    label = "feedback"
    verbose_name = "Feedback from children, families and carers"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        from lineofsight.actions import sources

        from .sources import describe_feedback

        sources.register("feedback", describe_feedback)
