"""A council for concern tests, on top of conftest's `council`:

- an audit of an East file (child E042) by the West team's manager (audits are done outside the
  file's team), so the East team manager must respond, the Safeguarding service manager is next,
  then the senior leaders;
- a second quality assurance lead, so "every QA lead" means more than one;
- a Care Team manager, and a practice-week visit by the Safeguarding service manager to the Care
  Team (Children in Care), for concerns raised from an observation.
"""

from __future__ import annotations

from django.test import Client

from lineofsight.accounts.models import Role, User
from lineofsight.audits.tests import factories as audit_factories
from lineofsight.practiceweeks.tests import factories as pw_factories


def add_user(council: dict, key: str, role: str, *, team: str = "", service: str = "") -> User:
    user = User.objects.create_user(
        email=f"{key}@example.org",
        password="x-not-used-x",
        full_name=key.replace("_", " ").title(),
        role=role,
        service=council["services"][service] if service else None,
    )
    if team:
        user.memberships.create(team=council["teams"][team])
    council["users"][key] = user
    return user


def concern_council(council: dict) -> dict:
    add_user(council, "west_manager", Role.TEAM_MANAGER, team="west")
    add_user(council, "second_qa", Role.QA_LEAD)
    add_user(council, "care_manager", Role.TEAM_MANAGER, team="cic")
    programme = audit_factories.programme(council["users"]["qa_lead"])
    council["audit"] = audit_factories.audit(
        programme,
        person_id="E042",
        team=council["teams"]["east"],
        auditor=council["users"]["west_manager"],
    )
    week = pw_factories.week(council)
    council["visit"] = pw_factories.visit(council, week)
    return council


def client_as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client
