"""Team worklists, the practitioner's caseload and teams side by side: contents, filters,
sorting, CSV export, and who may see what."""

from __future__ import annotations

import csv
import io
import re

import duckdb
import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry, Membership
from lineofsight.casework import store
from lineofsight.timeliness.flags import FLAG_IDS
from lineofsight.worklists.flags import FLAGS

from .snapshots import AS_AT, build_snapshot, east_tables, register, write_snapshot_file

pytestmark = pytest.mark.django_db


def team_url(council, team: str = "east", export: bool = False) -> str:
    name = "worklists:team_export" if export else "worklists:team"
    return reverse(name, kwargs={"team_id": council["teams"][team].pk})


def person_ids(html: str) -> list[str]:
    """The children in the worklist table, in the order shown."""
    return re.findall(r'href="/children/([^/"]+)/"', html)


def test_team_manager_sees_the_team_with_flags_workers_and_counts(client_for, council, east):
    response = client_for("team_manager").get(team_url(council))

    assert response.status_code == 200
    html = response.content.decode()
    assert sorted(person_ids(html)) == ["E1", "E2", "E3", "E4", "E5"]  # not W1 or C1
    assert "Amy Ashby" in html and "Pat Practitioner" in html and "Sam Second" in html
    assert "Unallocated" in html
    assert "CP plan 9 to 15 months" in html and "Visit overdue" in html
    # Counts of 1 to 4 read "fewer than 5" (issue 11): four of the five have a flag.
    assert re.search(r"Children</dt>\s*<dd[^>]*>5</dd>", html)
    assert re.search(r"With a flag</dt>\s*<dd[^>]*>Fewer than 5</dd>", html)
    # Counts per flag: two children have an assessment open past 45 working days.
    assert re.search(r"Assessment over 45 days.*?</td>\s*<td[^>]*>fewer than 5</td>", html, re.S)
    assert not re.search(r"Assessment over 45 days.*?</td>\s*<td[^>]*>2</td>", html, re.S)
    assert "Assessment over 45 days (fewer than 5)</option>" in html
    # Default order: oldest flag first, children with no flag last.
    assert person_ids(html) == ["E5", "E1", "E4", "E2", "E3"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"flag": "assessment_over_45wd"}, {"E2", "E5"}),
        ({"flag": "any"}, {"E1", "E2", "E4", "E5"}),
        ({"worker": "P-1"}, {"E1", "E3"}),
        ({"worker": "none"}, {"E4"}),
        ({"cohort": "cla"}, {"E3"}),
        ({"cohort": "cin", "flag": "assessment_over_45wd", "worker": "P-2"}, {"E2", "E5"}),
        ({"flag": "no_such_flag"}, set()),
    ],
)
def test_filters(client_for, council, east, params, expected):
    html = client_for("team_manager").get(team_url(council), params).content.decode()
    assert set(person_ids(html)) == expected


def test_sorting_by_a_column_both_ways(client_for, council, east):
    client = client_for("team_manager")
    html = client.get(team_url(council), {"sort": "name"}).content.decode()
    assert person_ids(html) == ["E1", "E2", "E3", "E4", "E5"]  # Ashby, Brook, Cole, Dale, Eaton
    assert re.search(
        r'aria-sort="ascending"><a class="govuk-link" href="\?sort=name&amp;order=desc"', html
    )

    html = client.get(team_url(council), {"sort": "name", "order": "desc"}).content.decode()
    assert person_ids(html) == ["E5", "E4", "E3", "E2", "E1"]
    assert 'aria-sort="descending"' in html

    html = client.get(team_url(council), {"sort": "flags", "order": "desc"}).content.decode()
    assert person_ids(html)[0] == "E1"  # the only child with two flags
    # An unknown column is an error the page explains, never a silently different list.
    response = client.get(team_url(council), {"sort": "evil;drop"})
    assert response.status_code == 400
    assert "Sort by one of the columns" in response.content.decode()


def test_csv_export_uses_the_same_filters(client_for, council, east):
    response = client_for("team_manager").get(
        team_url(council, export=True), {"flag": "assessment_over_45wd", "sort": "child"}
    )

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="worklist-T-E.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["person_id"] for r in rows] == ["E2", "E5"]
    assert rows[0]["name"] == "Ben Brook"
    assert rows[0]["worker_name"] == "Sam Second"
    assert rows[0]["flags"] == "assessment_over_45wd"
    assert rows[0]["oldest_flag_since"] == "2024-05-07"
    assert rows[0]["snapshot_as_at"] == AS_AT.isoformat()
    logged = AccessLogEntry.objects.filter(user=council["users"]["team_manager"])
    assert sorted(logged.values_list("person_id", flat=True)) == ["E2", "E5"]


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client_for, council, tmp_path):
    tables = east_tables()
    tables["ssd_person"][0]["pers_forename"] = "=HYPERLINK(1)"
    derived = {"open_cases": [{"person_id": "E1", "cohort": "cp", "team_id": "T-E"}]}
    build_snapshot(tables=tables, derived=derived, as_at=AS_AT)

    body = client_for("team_manager").get(team_url(council, export=True)).content.decode()
    assert "'=HYPERLINK(1) Ashby" in body


def test_practitioner_sees_only_their_own_caseload(client_for, council, east):
    client = client_for("practitioner")

    assert client.get(reverse("worklists:index")).url == reverse("worklists:mine")
    html = client.get(reverse("worklists:mine")).content.decode()
    assert sorted(person_ids(html)) == ["E1", "E3"]  # allocated to P-1
    # The team's page shows them only their own children too.
    html = client.get(team_url(council)).content.decode()
    assert sorted(person_ids(html)) == ["E1", "E3"]
    assert client.get(reverse("children:chronology", args=["E2"])).status_code == 404
    assert client.get(reverse("worklists:service")).status_code == 403


def test_practitioner_without_a_professional_id_sees_no_children(client_for, council, east):
    user = council["users"]["practitioner"]
    user.professional_id = ""
    user.save()
    html = client_for("practitioner").get(reverse("worklists:mine")).content.decode()
    assert person_ids(html) == []
    assert "not linked to a worker" in html


def test_team_manager_cannot_open_another_teams_worklist_or_children(client_for, council, east):
    client = client_for("team_manager")

    assert client.get(team_url(council, "west")).status_code == 404
    assert client.get(team_url(council, "west", export=True)).status_code == 404
    assert client.get(reverse("worklists:team", kwargs={"team_id": 999999})).status_code == 404
    assert client.get(reverse("children:chronology", args=["W1"])).status_code == 404
    assert client.get(reverse("children:chronology", args=["NOBODY"])).status_code == 404


def test_team_manager_of_two_teams_sees_both(client_for, council, east):
    Membership.objects.create(user=council["users"]["team_manager"], team=council["teams"]["west"])
    client = client_for("team_manager")
    assert client.get(team_url(council, "west")).status_code == 200
    assert client.get(reverse("children:chronology", args=["W1"])).status_code == 200


def test_service_manager_sees_teams_side_by_side(client_for, council, east):
    response = client_for("service_manager").get(reverse("worklists:service"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Safeguarding" in html
    assert ">East</a>" in html and ">West</a>" in html
    assert "Care Team" not in html  # another service's team
    # East holds 5 children, West 1 (shown as "fewer than 5"); CP plan 9 to 15 months: one in
    # each.
    # Teams are rows (lineofsight/worklists/tests/test_comparison.py covers rates and sorting).
    assert re.search(r">East</a></th>\s*<td[^>]*>5</td>\s*<td[^>]*><a[^>]*>fewer than 5<", html)
    assert re.search(r">West</a></th>\s*<td[^>]*>fewer than 5</td>", html)
    assert re.search(r'href="[^"]*\?flag=cp_plan_9m"[^>]*>fewer than 5<', html)
    cells = re.findall(r'govuk-table__cell--numeric">(?:<a[^>]*>)?([^<]*)<', html)
    assert cells and not {"1", "2", "3", "4"} & set(cells)
    assert client_for("service_manager").get(team_url(council, "cic")).status_code == 404


def test_qa_lead_sees_every_team(client_for, council, east):
    html = client_for("qa_lead").get(reverse("worklists:service")).content.decode()
    assert "Safeguarding" in html and "Children in Care" in html and "Care Team" in html


def test_index_lists_the_teams_with_counts(client_for, council, east):
    html = client_for("service_manager").get(reverse("worklists:index")).content.decode()
    assert re.search(
        r">East</a></td>\s*<td[^>]*>Safeguarding</td>\s*<td[^>]*>5</td>\s*<td[^>]*>fewer than 5<",
        html,
    )
    assert re.search(r">West</a></td>\s*<td[^>]*>Safeguarding</td>\s*<td[^>]*>fewer than 5<", html)
    assert ">Care Team</a>" not in html


def test_administrator_is_refused_casework(client_for, council, east):
    client = client_for("administrator")
    for url in (
        reverse("worklists:index"),
        reverse("worklists:mine"),
        team_url(council),
        team_url(council, export=True),
        reverse("children:chronology", args=["E1"]),
    ):
        assert client.get(url).status_code == 403, url


def test_pages_without_any_snapshot_say_so(client_for, council):
    client = client_for("team_manager")
    for url in (team_url(council), reverse("worklists:mine"), reverse("worklists:index")):
        response = client.get(url)
        assert response.status_code == 200
        assert "No casework data has been imported yet" in response.content.decode()
    assert client.get(reverse("children:chronology", args=["E1"])).status_code == 404


def test_snapshot_without_derived_tables_is_explained(client_for, council):
    # An import made before the timeliness step existed: SSD tables only.
    path = store.snapshot_dir() / "old.duckdb"
    write_snapshot_file(path, tables=east_tables(), derived={}, as_at=AS_AT)
    with duckdb.connect(str(path)) as con:
        for name in ("open_cases", "drift_flags", "event_timeliness"):
            con.execute(f"DROP TABLE {name}")
    register(path, as_at=AS_AT, make_current=True, absolute=False)

    html = client_for("team_manager").get(team_url(council)).content.decode()
    assert "no open cases or drift flags worked out yet" in html
    chronology = client_for("team_manager").get(reverse("children:chronology", args=["E1"]))
    assert chronology.status_code == 404  # no open cases to say the child is in the team


def test_team_worklist_makes_few_database_queries(
    client_for, council, east, django_assert_max_num_queries
):
    client = client_for("team_manager")
    client.get(team_url(council))  # warm the caches of the snapshot's table list
    with django_assert_max_num_queries(12):
        assert client.get(team_url(council)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("worklists:service")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("worklists:index")).status_code == 200
    practitioner = client_for("practitioner")
    with django_assert_max_num_queries(8):
        assert practitioner.get(reverse("worklists:mine")).status_code == 200


def test_every_drift_flag_has_a_short_name():
    assert set(FLAG_IDS) <= set(FLAGS)


def test_worklist_from_a_real_import_step(client_for, council):
    """The derived tables made by the timeliness app's import step, not by hand."""
    build_snapshot(tables=east_tables(), derive=True, as_at=AS_AT)
    client = client_for("team_manager")

    html = client.get(team_url(council)).content.decode()
    shown = set(person_ids(html))
    assert {"E1", "E2", "E3"} <= shown and "W1" not in shown
    assert "CP plan 9 to 15 months" in html  # E1's plan started 29/08/2023
    assert client.get(reverse("children:chronology", args=["E1"])).status_code == 200


def test_a_missing_snapshot_file_is_not_an_error(client_for, council, east):
    east.path.unlink()
    client = client_for("team_manager")
    response = client.get(team_url(council))
    assert response.status_code == 200
    assert "No casework data has been imported yet" in response.content.decode()
    assert client.get(reverse("children:chronology", args=["E1"])).status_code == 404


def test_names_from_the_case_system_are_escaped(client_for, council):
    tables = east_tables()
    tables["ssd_person"][0]["pers_forename"] = '<script>alert("x")</script>'
    derived = {"open_cases": [{"person_id": "E1", "cohort": "cp", "team_id": "T-E"}]}
    build_snapshot(tables=tables, derived=derived, as_at=AS_AT)

    html = client_for("team_manager").get(team_url(council)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Ashby" in html
