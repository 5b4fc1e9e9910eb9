from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "lineofsight.actions"
    label = "actions"
    verbose_name = "Improvement actions"

    def ready(self) -> None:
        # Audits, moderation, group supervision and indicators are described from here; practice
        # weeks and feedback register their own sources in their apps' ready().
        from lineofsight.web import panels

        from .builtin_sources import register_all
        from .home import home_panels

        register_all()
        panels.register(home_panels, order=20)  # action plans, after caseload figures
