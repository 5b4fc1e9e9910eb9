from django.apps import AppConfig


class StandardsConfig(AppConfig):
    """Line of sight: for each standard of the council's framework, the evidence of whether it is
    met, gathered from audits, indicators, practice weeks, feedback and actions; and the
    framework's own evaluation measures over time."""

    name = "lineofsight.standards"
    label = "standards"
    verbose_name = "Line of sight on the framework's standards"
