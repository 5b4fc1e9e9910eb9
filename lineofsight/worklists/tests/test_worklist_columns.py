"""Issue 12: each child's days overdue, last visit (seen, seen alone) and next due date on the
worklists, and counts above the table that follow the filters (small numbers suppressed)."""

from __future__ import annotations

import ast
import datetime
import re
from pathlib import Path

import pytest
from django.urls import reverse

from lineofsight.worklists import casedata, selectors
from lineofsight.worklists.casedata import CaseScope

from .snapshots import AS_AT, build_snapshot, east_derived, east_tables

pytestmark = pytest.mark.django_db

D = datetime.date


def timeliness(pid, rule, event, due, status, done=None):
    return {
        "person_id": pid,
        "rule_id": rule,
        "event_type": event,
        "source_table": "",
        "start_date": "2024-01-01",
        "due_date": due,
        "completed_date": done,
        "status": status,
    }


def visits_snapshot():
    """East, with visits and open work chosen so that each column has one answer."""
    tables = east_tables()
    tables["ssd_cp_visits"].append(
        # After the snapshot's date: not a visit that has happened.
        {"cppv_cp_visit_id": "V9", "cppv_person_id": "E1", "cppv_cp_plan_id": "CP1",
         "cppv_cp_visit_date": "2024-07-10", "cppv_cp_visit_seen": "Y",
         "cppv_cp_visit_seen_alone": "Y"},
    )  # fmt: skip
    tables["ssd_cin_visits"] = [
        {"cinv_cin_visit_id": "CV1", "cinv_person_id": "E2", "cinv_cin_visit_date": "2024-06-20",
         "cinv_cin_visit_seen": "Y", "cinv_cin_visit_seen_alone": "N"},
        {"cinv_cin_visit_id": "CV2", "cinv_person_id": "E4", "cinv_cin_visit_date": "2024-06-03",
         "cinv_cin_visit_seen": "N"},
    ]  # fmt: skip
    tables["ssd_cla_visits"].append(
        # Names only the care episode: the child comes from ssd_cla_episodes (E3).
        {"clav_cla_visit_id": "LV2", "clav_cla_id": "CLA3", "clav_cla_visit_date": "2024-06-12",
         "clav_cla_visit_seen": "Y", "clav_cla_visit_seen_alone": "Y"},
    )  # fmt: skip
    derived = east_derived()
    derived["event_timeliness"] += [
        timeliness("E1", "cp_review_6m", "cp_review", "2024-08-29", "not_due"),
        timeliness("E2", "assessment_45wd", "assessment", "2024-05-07", "overdue"),
        timeliness("E2", "cin_visit", "cin_visit", "2024-06-01", "overdue"),
        timeliness("E2", "cin_visit", "cin_visit", "2024-07-02", "due_soon"),
        # Done late, and done on time: neither is open work.
        timeliness("E3", "cla_visit_6w", "cla_visit", "2024-04-01", "late", done="2024-04-20"),
        timeliness("E3", "cla_review_6m", "cla_review", "2024-07-22", "not_due"),
    ]
    return build_snapshot(tables=tables, derived=derived, as_at=AS_AT)


def team_url(council, **params) -> str:
    return reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})


def rows_by_child(snapshot) -> dict[str, casedata.CaseRow]:
    with selectors.reading(snapshot) as reader:
        rows = casedata.case_rows(
            reader.con, CaseScope(team_ids=("T-E",)), as_at=reader.snapshot.as_at
        )
    return {r.person_id: r for r in rows}


def test_due_dates_and_last_visit_of_each_child(db):
    rows = rows_by_child(visits_snapshot())

    e1, e2, e3, e4, e5 = (rows[p] for p in ("E1", "E2", "E3", "E4", "E5"))
    # E1: a child protection visit due 24/04/2024 still open at 28/06/2024: 65 days overdue.
    assert (e1.overdue_since, e1.overdue_item) == (D(2024, 4, 24), "cp_visit")
    assert e1.days_overdue(AS_AT) == 65
    assert (e1.next_due, e1.next_due_item, e1.next_due_soon) == (D(2024, 8, 29), "cp_review", False)
    # The visit of 10/07/2024 is after the snapshot's date; the last one was 10/04/2024.
    assert (e1.last_visit, e1.last_visit_seen, e1.last_visit_seen_alone) == (
        D(2024, 4, 10),
        True,
        False,
    )
    # E2: two items overdue; the most overdue one counts. The next is due within 5 working days.
    assert (e2.overdue_since, e2.overdue_item, e2.days_overdue(AS_AT)) == (
        D(2024, 5, 7),
        "assessment",
        52,
    )
    assert (e2.next_due, e2.next_due_soon) == (D(2024, 7, 2), True)
    assert (e2.last_visit, e2.last_visit_seen, e2.last_visit_seen_alone) == (
        D(2024, 6, 20),
        True,
        False,
    )
    # E3: nothing overdue (the late visit was done); the last visit is found by its episode.
    assert e3.overdue_since is None and e3.days_overdue(AS_AT) is None
    assert (e3.next_due, e3.next_due_item) == (D(2024, 7, 22), "cla_review")
    assert (e3.last_visit, e3.last_visit_seen, e3.last_visit_seen_alone) == (
        D(2024, 6, 12),
        True,
        True,
    )
    # E4: visited but not seen, alone not recorded. E5: no visit, nothing due.
    assert (e4.last_visit, e4.last_visit_seen, e4.last_visit_seen_alone) == (
        D(2024, 6, 3),
        False,
        None,
    )
    assert e5.last_visit is None and e5.next_due is None and e5.overdue_since is None


def test_the_worklist_shows_the_new_columns_in_words(client_for, council):
    visits_snapshot()
    html = client_for("team_manager").get(team_url(council), {"sort": "child"}).content.decode()

    cells = {
        pid: re.findall(r'<td class="govuk-table__cell">(.*?)</td>', row)
        for pid, row in re.findall(r'href="/children/([^/"]+)/".*?(</a></td>.*?)</tr>', html)
    }
    # Columns after the child's id: name, days overdue, last visit, next due, flags, ...
    e1 = cells["E1"]
    assert e1[1].startswith("<strong>65</strong> days")
    assert "Child protection visit, due 24/04/2024" in e1[1]
    assert e1[2].startswith("10/04/2024") and "Seen, not alone" in e1[2]
    assert e1[3].startswith("29/08/2024") and "Due soon" not in e1[3]
    e2 = cells["E2"]
    assert e2[1].startswith("<strong>52</strong> days") and "Assessment" in e2[1]
    assert e2[3].startswith("02/07/2024") and "Due soon" in e2[3]
    assert "Seen alone" in cells["E3"][2]
    assert "Not seen" in cells["E4"][2]
    assert cells["E5"][1:4] == ["None", "None recorded", "None"]
    for header in ("Days overdue", "Last visit", "Next due"):
        assert f">{header}</a></th>" in html


def test_sorting_by_days_overdue_puts_the_most_overdue_first(client_for, council):
    visits_snapshot()
    client = client_for("team_manager")
    html = client.get(team_url(council)).content.decode()
    link = re.search(r'href="\?([^"]*sort=overdue[^"]*)"', html).group(1)
    assert "order=desc" in link  # the first click shows the most overdue first

    html = client.get(team_url(council), {"sort": "overdue", "order": "desc"}).content.decode()
    order = re.findall(r'href="/children/([^/"]+)/"', html)
    assert order[:2] == ["E1", "E2"]  # 65 days, then 52; children with none overdue last
    html = client.get(team_url(council), {"sort": "visit"}).content.decode()
    assert re.findall(r'href="/children/([^/"]+)/"', html) == ["E1", "E4", "E3", "E2", "E5"]


def test_the_caseload_shows_them_too(client_for, council):
    visits_snapshot()
    html = client_for("practitioner").get(reverse("worklists:mine")).content.decode()
    assert "<strong>65</strong> days" in html and "Seen alone" in html


def test_the_csv_export_has_the_same_dates(client_for, council):
    visits_snapshot()
    url = reverse("worklists:team_export", kwargs={"team_id": council["teams"]["east"].pk})
    body = client_for("team_manager").get(url, {"sort": "child"}).content.decode()
    line = next(x for x in body.splitlines() if x.startswith("E1,"))
    assert line.endswith(
        ',65,Child protection visit,2024-04-24,2024-04-10,"Seen, not alone",2024-08-29,'
        "Child protection review conference"
    )


# -- counts that follow the filters ----------------------------------------------------------


def twelve_children():
    """Twelve children in East: seven with P-1 (six of them with work overdue), five with P-2
    (one overdue)."""
    ids = [f"X{n:02}" for n in range(1, 13)]
    tables = east_tables()
    tables["ssd_person"] = [
        {"pers_person_id": p, "pers_forename": "Child", "pers_surname": p} for p in ids
    ]
    tables["ssd_cin_visits"] = []
    tables["ssd_cp_visits"] = []
    tables["ssd_cla_visits"] = []
    cases, flags, items = [], [], []
    for n, pid in enumerate(ids, start=1):
        worker = "P-1" if n <= 7 else "P-2"
        cases.append(
            {"person_id": pid, "cohort": "cin", "team_id": "T-E", "worker_id": worker,
             "start_date": "2024-01-01", "case_start_date": "2024-01-01"}
        )  # fmt: skip
        if n <= 6 or n == 8:
            items.append(timeliness(pid, "cin_visit", "cin_visit", "2024-06-01", "overdue"))
            flags.append({"person_id": pid, "flag": "visit_overdue", "since": "2024-06-02"})
    derived = {"open_cases": cases, "drift_flags": flags, "event_timeliness": items}
    return build_snapshot(tables=tables, derived=derived, as_at=AS_AT)


def summary(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r"<dt[^>]*>([^<]*)</dt>\s*<dd[^>]*>([^<]*)</dd>",
            html,
        )
    )


OVERDUE = "With work overdue"


def test_the_counts_above_the_table_follow_the_filters(client_for, council):
    twelve_children()
    client = client_for("team_manager")

    everyone = summary(client.get(team_url(council)).content.decode())
    assert everyone["Children"] == "12"
    assert everyone[OVERDUE] == "7" and everyone["With a flag"] == "7"

    html = client.get(team_url(council), {"worker": "P-1"}).content.decode()
    assert summary(html)["Children"] == "7 of 12"
    assert summary(html)[OVERDUE] == "6"
    assert "Children matching the filters" in html
    # The flag counts follow the worker filter too.
    assert re.search(r"Visit overdue<span[^>]*>[^<]*</span></a></td>\s*<td[^>]*>6</td>", html)

    html = client.get(team_url(council), {"worker": "P-2"}).content.decode()
    # One overdue child among five: 1 to 4 reads "fewer than 5"; 0 is shown as 0.
    assert summary(html)["Children"] == "5 of 12"
    assert summary(html)[OVERDUE] == "Fewer than 5"
    assert summary(html)["Due in 5 working days"] == "0"
    assert not any(re.fullmatch(r"[1-4]\b.*", v) for v in summary(html).values())
    assert re.search(
        r"Visit overdue<span[^>]*>[^<]*</span></a></td>\s*<td[^>]*>fewer than 5<", html
    )

    html = client.get(team_url(council), {"flag": "visit_overdue"}).content.decode()
    assert summary(html)["Children"] == "7 of 12"


def test_the_counts_come_before_the_filters_and_the_table(client_for, council):
    twelve_children()
    html = client_for("team_manager").get(team_url(council)).content.decode()
    summary_at = html.index('id="worklist-summary"')
    assert summary_at < html.index("Filter the children") < html.index('id="worklist-caption"')


# -- layers ----------------------------------------------------------------------------------


def test_worklists_never_import_group_supervision():
    """Supervision sits above worklists (DESIGN.md): it fills worklists.hooks instead."""
    root = Path(casedata.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [f"{path.name}: {n}" for n in names if "supervision" in n]
    assert offenders == []
