from django.apps import AppConfig


class TeamsConfig(AppConfig):
    """One page per team, and the teams side by side, putting the workforce beside practice:
    caseloads, agency share, vacancies, turnover, supervision on time, training coverage,
    audit grades, drift flags and the staff health check."""

    name = "lineofsight.teams"
    label = "teams"
    verbose_name = "Teams: workforce beside practice"
