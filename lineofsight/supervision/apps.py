from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "lineofsight.supervision"
    label = "supervision"
    verbose_name = "Group reflective supervision"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # What a team's worklist shows of group supervision, and who may open a child's
        # chronology because the child was discussed (worklists sit below supervision).
        from lineofsight.worklists import hooks

        from .selectors import child_access_purpose, worklist_supervision

        hooks.register_team_provider(worklist_supervision)
        hooks.register_child_access(child_access_purpose)
        # Improvement actions can be raised from a case discussed at a session.
        from . import action_sources

        action_sources.register()
