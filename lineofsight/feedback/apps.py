from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "lineofsight.feedback"
    label = "feedback"
    verbose_name = "Feedback from children, families and carers"
