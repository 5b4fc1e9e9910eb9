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
        # Workers whose one-to-one supervision is overdue, on their team manager's home page.
        from lineofsight.web import panels

        from .one_to_one_selectors import home_panels as one_to_one_panels

        panels.register(one_to_one_panels, order=30)
        # Their one-to-one supervision, beside the oversight audit's questions on supervision.
        from lineofsight.web import evidence

        from .one_to_one_evidence import supervision_beside_audit

        evidence.register(supervision_beside_audit)
