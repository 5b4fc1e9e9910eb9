"""Helpers for the staff health check tests: staff in teams, a survey, links sent by email, and
answers given through the public page."""

from __future__ import annotations

import datetime
import re

from django.core import mail
from django.test import Client
from django.utils import timezone

from lineofsight.accounts.models import Role, User
from lineofsight.feedback import healthcheck_selectors as hc_selectors
from lineofsight.feedback import healthcheck_services as hc_services

LINK = re.compile(r"https?://\S+/feedback/health-check/answer/[A-Za-z0-9_-]+/")


def item_keys(survey) -> list[str]:
    return [i["key"] for s in survey.standards for i in s["items"]]


def all_answers(survey, value: str, **overrides: str) -> dict[str, str]:
    """Every statement answered `value`; `overrides` by standard key."""
    out = {}
    for standard in survey.standards:
        for item in standard["items"]:
            out[item["key"]] = overrides.get(standard["key"].replace("-", "_"), value)
    return out


def add_staff(council, team_key: str, count: int, start: int = 0) -> list[User]:
    team = council["teams"][team_key]
    people = []
    for n in range(start, start + count):
        user = User.objects.create_user(
            email=f"{team_key}-{n}@example.org",
            password="x-unused-password-1",  # noqa: S106 - test users only
            full_name=f"{team_key.title()} Worker {n}",
            role=Role.PRACTITIONER,
        )
        user.memberships.create(team=team)
        people.append(user)
    return people


def open_survey(council, teams=("east", "west"), *, title="Health check", days=14):
    today = timezone.localdate()
    return hc_services.healthcheck_open(
        actor=council["users"]["qa_lead"],
        title=title,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=days),
        teams=[council["teams"][t] for t in teams],
    )


def send_links(council, survey) -> dict[str, str]:
    """Send the links; {recipient's email: the link's path}."""
    before = len(mail.outbox)
    hc_services.healthcheck_send_links(actor=council["users"]["qa_lead"], health_check=survey)
    out = {}
    for message in mail.outbox[before:]:
        url = LINK.search(message.body).group(0)
        out[message.to[0]] = "/" + url.split("/", 3)[3]
    return out


def answer(path: str, answers: dict[str, str], client: Client | None = None):
    return (client or Client()).post(path, answers)


def close(council, survey):
    survey.refresh_from_db()
    return hc_services.healthcheck_close(
        actor=council["users"]["qa_lead"], health_check=survey, expected_version=survey.version
    )


def survey_with_answers(council, counts: dict[str, int], value="agree", title="Health check"):
    """A survey of these teams answered by `counts[team]` people each (all `value`), closed."""
    for team, n in counts.items():
        add_staff(council, team, n)
    survey = open_survey(council, tuple(counts), title=title)
    links = send_links(council, survey)
    used = dict.fromkeys(counts, 0)
    for email, path in links.items():
        team = email.split("-")[0]
        if team in counts and used[team] < counts[team]:
            assert answer(path, all_answers(survey, value)).status_code == 302
            used[team] += 1
    return close(council, survey)


results = hc_selectors.results
