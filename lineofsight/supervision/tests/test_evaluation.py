"""The evaluation on a hand-made example, where every figure can be worked out by hand.

East holds eleven children with the same flag (a child protection plan open 9 to 15 months) in
the snapshot as at 31/01/2024, and one with a different flag. A session on 05/02/2024 discusses
six of them (D1-D6). The other five with the same flag (N1-N5) are the similar cases not
discussed; X1, whose flag differs, is not comparable.

Later snapshots: as at 30/04/2024 (inside the three months, which end 05/05/2024) D1-D4 and N1
have no flag; as at 30/06/2024 D5 and N2 have none too, but too late to count.

So: discussed 4 of 6 cleared within three months (67%); not discussed 1 of 5 (20%).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import Role, User
from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, Status
from lineofsight.supervision import followup, services
from lineofsight.supervision.models import Session
from lineofsight.worklists.tests.snapshots import build_snapshot

pytestmark = pytest.mark.django_db

DISCUSSED = [f"D{i}" for i in range(1, 7)]
SIMILAR = [f"N{i}" for i in range(1, 6)]
EVERYONE = [*DISCUSSED, *SIMILAR, "X1"]


def snapshot(as_at: datetime.date, flagged: set[str], west: tuple[str, ...] = ()):
    people = [*EVERYONE, *west]
    tables = {
        "ssd_person": [
            {"pers_person_id": p, "pers_forename": "Child", "pers_surname": p} for p in people
        ]
    }
    derived = {
        "open_cases": [
            {"person_id": p, "cohort": "cp", "team_id": "T-E", "worker_id": "P-2"} for p in EVERYONE
        ]
        + [{"person_id": p, "cohort": "cp", "team_id": "T-W", "worker_id": "P-9"} for p in west],
        "drift_flags": [
            {
                "person_id": p,
                "flag": "visit_overdue" if p == "X1" else "cp_plan_9m",
                "since": "2023-12-01",
            }
            for p in people
            if p in flagged
        ],
    }
    return build_snapshot(tables=tables, derived=derived, as_at=as_at)


@pytest.fixture
def example(council) -> Session:
    manager = council["users"]["team_manager"]
    snapshot(datetime.date(2024, 1, 31), set(EVERYONE))
    session = services.session_create(
        actor=manager,
        team=council["teams"]["east"],
        held_on=datetime.date(2024, 2, 5),
        facilitator=manager,
    )
    services.session_cases_nominate(actor=manager, session=session, person_ids=DISCUSSED)
    snapshot(datetime.date(2024, 4, 30), set(EVERYONE) - {"D1", "D2", "D3", "D4", "N1"})
    snapshot(datetime.date(2024, 6, 30), set(EVERYONE) - {"D1", "D2", "D3", "D4", "N1", "D5", "N2"})
    return session


def add_action(council, session: Session, *, due: datetime.date, done: datetime.date | None):
    manager = council["users"]["team_manager"]
    case = session.cases.first()
    # Raised when the due date was still to come (it cannot be entered in the past).
    action = services.session_case_action_create(
        actor=manager,
        case=case,
        issue="Drift",
        action="Do it",
        owner=manager,
        due_date=max(due, timezone.localdate()),
    )
    ImprovementAction.objects.filter(pk=action.pk).update(due_date=due)
    action.refresh_from_db()
    if done is not None:
        action_services.action_update_status(
            actor=manager, action=action, status=Status.DONE, note="Done"
        )
        ImprovementAction.objects.filter(pk=action.pk).update(
            closed_at=timezone.make_aware(datetime.datetime.combine(done, datetime.time(12)))
        )
    return action


def test_figures_by_hand(council, example):
    today = datetime.date(2024, 7, 1)
    add_action(council, example, due=datetime.date(2024, 3, 1), done=datetime.date(2024, 2, 20))
    add_action(council, example, due=datetime.date(2024, 3, 1), done=datetime.date(2024, 3, 8))
    add_action(council, example, due=datetime.date(2024, 4, 1), done=None)  # overdue
    add_action(council, example, due=datetime.date(2024, 9, 1), done=None)  # not yet due

    figures = followup.evaluate([example], today=today)

    assert figures.sessions == 1 and figures.cases_discussed == 6
    assert figures.discussed == followup.Share(4, 6)
    # 4 of 6 and 1 of 5: a count of 1 to 4 above the line, so no share (the one rule).
    assert figures.discussed.percent is None and not figures.discussed.shown
    assert figures.comparison == followup.Share(1, 5)
    assert figures.comparison.percent is None
    assert followup.Share(5, 6).percent == 83 and followup.Share(0, 6).percent == 0
    assert figures.discussed_too_recent == 0 and figures.comparison_too_recent == 0
    a = figures.actions
    assert (a.total, a.done_on_time, a.done_late, a.open_overdue, a.open_not_yet_due) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert a.on_time == followup.Share(1, 3)  # the not-yet-due action is not judged
    assert not a.on_time.shown  # fewer than 5: suppressed


def test_cases_whose_three_months_are_not_over_are_too_recent(council, example):
    example.held_on = datetime.date(2024, 5, 1)  # window ends 01/08/2024, after the data
    example.save()

    figures = followup.evaluate([example])

    # D1-D5 cleared before the window ends, so they count; D6 cannot be judged yet.
    assert figures.discussed == followup.Share(5, 5)
    assert figures.discussed_too_recent == 1
    assert figures.discussed.shown and figures.discussed.percent == 100


def test_the_page_explains_and_suppresses_small_numbers(client_for, council, example):
    html = client_for("team_manager").get(reverse("supervision:evaluation")).content.decode()

    assert "exactly the same flags" in html
    assert "Similar, not discussed" in html
    # Each table's scrolling region is named for what the table holds.
    regions = re.findall(r'role="region" aria-label="([^"]+)"', html)
    assert regions == ["Actions agreed for the cases discussed", "Flags cleared after the session"]
    # 4 of 6 discussed and 1 of 5 similar cleared: counts of 1 to 4, so no share, and the
    # counts read "fewer than 5" (issue 11).
    assert ">67%<" not in html and ">20%<" not in html
    table = html.split("Flags cleared within")[1].split("How to read this")[0]
    assert "Not shown" in table and ">6<" in table and ">5<" in table
    assert not re.search(r"numeric\">[1-4]<", html)
    assert "shown as \u201cfewer than 5\u201d" in html

    # West: two discussed cases only, so its share is not shown.
    qa = council["users"]["qa_lead"]
    snapshot(datetime.date(2024, 7, 31), set(), west=("WA", "WB"))
    snapshot(datetime.date(2024, 8, 1), {"WA", "WB"}, west=("WA", "WB"))
    west = services.session_create(
        actor=qa, team=council["teams"]["west"], held_on=datetime.date(2024, 8, 2), facilitator=qa
    )
    services.session_cases_nominate(actor=qa, session=west, person_ids=["WA", "WB"])
    snapshot(datetime.date(2024, 12, 1), set(), west=("WA", "WB"))

    html = (
        client_for("qa_lead")
        .get(reverse("supervision:evaluation"), {"team": council["teams"]["west"].pk})
        .content.decode()
    )
    assert (
        "Not shown" in html
        and "%" not in html.split("Flags cleared within")[1].split("How to read this")[0]
    )


def test_who_may_see_the_evaluation(client_for, council, example):
    url = reverse("supervision:evaluation")
    assert client_for("practitioner").get(url).status_code == 403
    assert client_for("administrator").get(url).status_code == 403
    # A team manager of another team sees no sessions, so no figures.
    other = User.objects.create_user(
        email="care.manager@example.org", full_name="Care Manager", role=Role.TEAM_MANAGER
    )
    other.memberships.create(team=council["teams"]["cic"])
    client = Client()
    client.force_login(other)
    html = client.get(url).content.decode()
    assert ">67%<" not in html
    assert "Cases discussed</dt>" in html


def test_add_months_keeps_to_the_month():
    assert followup.add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert followup.add_months(datetime.date(2024, 11, 30), 3) == datetime.date(2025, 2, 28)
    assert followup.add_months(datetime.date(2024, 2, 5), 3) == datetime.date(2024, 5, 5)
