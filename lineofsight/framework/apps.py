from django.apps import AppConfig


class FrameworkConfig(AppConfig):
    """The council's framework for practice (versions of it, what tests each standard) and what
    every record is tagged against: the themes vocabulary, the shape of one piece of evidence,
    and the draft that submitting locks (drafts.DraftThenSubmitted). It sits under the practice
    records so they can all use it."""

    name = "lineofsight.framework"
    label = "framework"
    verbose_name = "Practice framework"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        from .link_kinds import register_kinds

        register_kinds()
