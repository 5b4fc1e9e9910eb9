"""Issue 11: the group supervision pages' counts go through the one small-number rule (a count of
1 to 4 reads "fewer than 5"; 0 is shown; no share from 1 to 4 children or actions)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from lineofsight.supervision import services

from .test_evaluation import add_action, example, snapshot  # noqa: F401 (example is a fixture)

pytestmark = pytest.mark.django_db


def test_evaluation_counts_of_1_to_4_are_never_bare_digits(client_for, council, example):  # noqa: F811
    # Four actions: one on time, one late, one overdue, one not yet due.
    add_action(council, example, due=datetime.date(2024, 3, 1), done=datetime.date(2024, 2, 20))
    add_action(council, example, due=datetime.date(2024, 3, 1), done=datetime.date(2024, 3, 8))
    add_action(council, example, due=datetime.date(2024, 4, 1), done=None)
    add_action(council, example, due=datetime.date(2099, 9, 1), done=None)
    html = client_for("team_manager").get(reverse("supervision:evaluation")).content.decode()
    actions = html.split("Actions done on time")[1].split("Flags cleared within")[0]
    cells = re.findall(r'numeric">([^<]*)<', actions)
    assert cells.count("fewer than 5") == 5 and "0" in cells  # the "not done" row stays 0
    assert not {"1", "2", "3", "4"} & set(cells)
    assert "The share done on time is not shown" in actions and "%" not in actions
    # One session: the summary says so without the digit.
    assert re.search(r'Sessions</dt>\s*<dd class="govuk-summary-list__value">Fewer than 5<', html)
    assert not re.search(r'summary-list__value">[1-4][< (]', html)


def test_sessions_list_case_count_is_suppressed(client_for, council):
    qa = council["users"]["qa_lead"]
    snapshot(datetime.date(2024, 7, 31), {"WA", "WB"}, west=("WA", "WB"))
    session = services.session_create(
        actor=qa, team=council["teams"]["west"], held_on=datetime.date(2024, 8, 2), facilitator=qa
    )
    services.session_cases_nominate(actor=qa, session=session, person_ids=["WA", "WB"])
    html = client_for("qa_lead").get(reverse("supervision:sessions")).content.decode()
    row = html.split(reverse("supervision:session", args=[session.pk]))[1].split("</tr>")[0]
    assert re.search(r'numeric">fewer than 5</td>', row)
    assert not re.search(r'numeric">2</td>', row)
