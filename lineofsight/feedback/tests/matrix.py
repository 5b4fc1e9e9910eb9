"""URL arguments for tests/url_matrix.py: feedback about the East team (the practitioner's and
team manager's team, in the service manager's service), about child E9."""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.feedback import services
from lineofsight.feedback.models import Channel, Feedback, FromWhom, Kind


def _feedback(council) -> Feedback:
    manager = council["users"]["team_manager"]
    item = services.feedback_record(
        actor=manager,
        kind=Kind.COMPLIMENT,
        from_whom=FromWhom.CARER,
        received_on=timezone.localdate() - datetime.timedelta(days=3),
        team=council["teams"]["east"],
        text="Our social worker always calls back the same day.",
        channel=Channel.PHONE,
        themes=["voice-of-the-child"],
        consent_to_share=True,
        person_id="E9",
    )
    return services.feedback_respond(
        actor=manager,
        feedback=item,
        expected_version=item.version,
        response="We shared this with the team as an example of good practice.",
        responded_on=timezone.localdate(),
    )


def data(council) -> dict:
    """No URL arguments: the list and summary pages have something to show."""
    _feedback(council)
    return {}


def east_feedback(council) -> dict:
    return {"pk": _feedback(council).pk}


def made_up_token(council) -> dict:
    return {"token": "made-up-token-that-was-never-issued-0123456789"}


def theme(council) -> dict:
    _feedback(council)
    return {"key": "voice-of-the-child"}


def health_check(council) -> dict:
    """A closed staff health check of the East team (no answers: the pages show no figures)."""
    from lineofsight.feedback import healthcheck_services

    today = timezone.localdate()
    survey = healthcheck_services.healthcheck_open(
        actor=council["users"]["qa_lead"],
        title="Staff health check",
        opens_on=today,
        closes_on=today + datetime.timedelta(days=7),
        teams=[council["teams"]["east"]],
    )
    healthcheck_services.healthcheck_close(
        actor=council["users"]["qa_lead"], health_check=survey, expected_version=survey.version
    )
    return {"pk": survey.pk}
