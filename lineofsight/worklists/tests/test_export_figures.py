"""Issue 11: the worklist CSV holds no figure that could show a count of 1 to 4. It is the list
of children behind the team's figures, within the user's own scope: one row per child, no totals
or counts, and every cell formula-guarded."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADER = [
    "person_id",
    "name",
    "cohorts",
    "worker_id",
    "worker_name",
    "flags",
    "flag_labels",
    "oldest_flag_since",
    "snapshot_as_at",
    # Issue 12: one child's own dates (days overdue is a number of days, not of children).
    "days_overdue",
    "overdue_item",
    "overdue_due_date",
    "last_visit",
    "last_visit_seen",
    "next_due",
    "next_due_item",
]


def test_worklist_csv_is_one_row_per_child_with_no_counts(client_for, council, east):
    url = reverse("worklists:team_export", kwargs={"team_id": council["teams"]["east"].pk})
    # Two children have this flag: a count of 2 that must not appear as a figure.
    body = client_for("team_manager").get(url, {"flag": "assessment_over_45wd"}).content
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == HEADER  # no count or total column
    assert [r[0] for r in rows[1:]] == ["E5", "E2"]  # one row per child, no totals row
    for row in rows[1:]:
        assert len(row) == len(HEADER)
        assert not [cell for cell in row if cell.strip() in {"1", "2", "3", "4"}]
