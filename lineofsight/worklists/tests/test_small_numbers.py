"""Issue 11: every count a worklist page shows goes through the small-number rule (1 to 4 reads
"fewer than 5"; 0 is shown), while the children themselves are still listed by name."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SMALL = {"1", "2", "3", "4"}


def _numeric_cells(html: str) -> list[str]:
    return re.findall(r'govuk-table__cell--numeric">(?:<a[^>]*>)?([^<]*)<', html)


def test_caseload_counts_are_suppressed_but_the_children_are_listed(client_for, east):
    # P-1 holds E1 and E3: two children, one with a flag.
    html = client_for("practitioner").get(reverse("worklists:mine")).content.decode()
    # The summary above the table (issue 12): children, with a flag, overdue, due soon.
    assert re.search(r"Children</dt>\s*<dd[^>]*>Fewer than 5</dd>", html)
    assert re.search(r"With a flag</dt>\s*<dd[^>]*>Fewer than 5</dd>", html)
    assert not re.search(r"<dd[^>]*>[1-4]\b", html)
    assert ">2</strong>" not in html and ">1</strong>" not in html
    assert re.search(r'caption--m">Fewer than 5 children<', html)
    assert not re.search(r'caption--m">[1-4] child', html)
    assert "CP plan 9 to 15 months (fewer than 5)</option>" in html
    assert not re.search(r"\([1-4]\)</option>", html)
    assert not SMALL & set(_numeric_cells(html))
    assert "Amy Ashby" in html  # the list itself is the user's own scope: not suppressed
    assert "shown as \u201cfewer than 5\u201d" in html


def test_filtered_team_worklist_caption_never_shows_1_to_4(client_for, council, east):
    url = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    html = client_for("team_manager").get(url, {"flag": "assessment_over_45wd"}).content.decode()
    assert re.search(r'caption--m">Fewer than 5 of 5 children match the filters<', html)
    assert not re.search(r'caption--m">[1-4] of', html)


def test_a_count_of_nought_is_shown_as_0(client_for, council, east):
    html = client_for("qa_lead").get(reverse("worklists:service")).content.decode()
    # The care team has one child and no flags: 0 stays 0, 1 reads "fewer than 5".
    cells = _numeric_cells(html)
    assert "0" in cells and "fewer than 5" in cells
    assert not SMALL & set(cells)
