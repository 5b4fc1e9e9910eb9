"""Practice records for the team pages, made through the owning apps' services and test helpers.

- Supervision: East has seven practitioners (the council's practitioner and six more, all in the
  team since 1 January 2024): five were supervised three days ago (on time), two never (overdue):
  5 of 7 on time = 71.4%. West has three practitioners, supervised three days ago: 3 of 3, the
  share withheld.
- Audits: six East files audited (five Good, one Requires improvement), first submitted on 15
  January 2024, in the 12 months to 31 March 2024: 5 of 6 = 83.3%.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.accounts.models import Membership, Role, User
from lineofsight.audits.grades import Grade
from lineofsight.audits.models import Audit
from lineofsight.audits.tests import factories
from lineofsight.supervision import one_to_one_services

SINCE = datetime.date(2024, 1, 1)
SUBMITTED = datetime.datetime(2024, 1, 15, 12, tzinfo=datetime.UTC)


def _practitioner(council: dict, name: str, team: str) -> User:
    user = User.objects.create_user(
        email=f"{name.lower()}@example.org",
        password=None,
        full_name=f"{name} Worker",
        role=Role.PRACTITIONER,
    )
    Membership.objects.create(user=user, team=council["teams"][team], since=SINCE)
    return user


def supervision(council: dict) -> None:
    manager, lead = council["users"]["team_manager"], council["users"]["qa_lead"]
    Membership.objects.filter(user=council["users"]["practitioner"]).update(since=SINCE)
    east = [council["users"]["practitioner"]]
    east += [_practitioner(council, f"East{i}", "east") for i in range(6)]
    west = [_practitioner(council, f"West{i}", "west") for i in range(3)]
    held = timezone.localdate() - datetime.timedelta(days=3)
    for team, workers in (("east", east[:5]), ("west", west)):
        for worker in workers:
            one_to_one_services.one_to_one_record(
                actor=lead,
                team=council["teams"][team],
                held_on=held,
                supervisor=manager if team == "east" else lead,
                supervisee=worker,
            )


def audits(council: dict) -> list[Audit]:
    programme = factories.programme(council["users"]["qa_lead"])
    grades = [Grade.GOOD] * 5 + [Grade.REQUIRES_IMPROVEMENT]
    made = factories.submitted(
        programme, council["teams"]["east"], council["users"]["team_manager"], grades, prefix="E"
    )
    Audit.objects.filter(pk__in=[a.pk for a in made]).update(first_submitted_at=SUBMITTED)
    return made
