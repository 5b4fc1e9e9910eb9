from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    """The practice framework every record is tagged against: the themes vocabulary, the shape
    of one piece of evidence, and the draft that submitting locks (drafts.DraftThenSubmitted).
    It sits under the practice records so they can all use it."""

    name = "lineofsight.framework"
    label = "framework"
    verbose_name = "Practice framework"
