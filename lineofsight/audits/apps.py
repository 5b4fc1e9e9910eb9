from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "lineofsight.audits"
    label = "audits"
    verbose_name = "Case-file audits"

    def ready(self) -> None:
        # Imports here, not at the top: models can be imported only once every app is loaded.
        # Safeguarding concerns can be raised from an audit (lineofsight/concerns/sources.py).
        from lineofsight.concerns import sources

        from .concern_source import SOURCE_TYPE, resolve_audit

        sources.register(SOURCE_TYPE, "Case-file audit", resolve_audit)
        # What needs the user's attention from audits and actions, on the home page.
        from lineofsight.web import panels

        from .home import home_panels as programme_figures
        from .selectors import home_panels

        panels.register(home_panels)
        panels.register(programme_figures, order=15)  # QA lead's figures, before audit work
        # Improvement actions can be raised from an audit or a moderation.
        from . import action_sources

        action_sources.register()
        # The audit and moderation indicators on the improvement board are counted here.
        from . import indicators

        indicators.register()
        # Practice standards name the audit questions that test them (framework.links).
        from .framework_links import register_links

        register_links()
