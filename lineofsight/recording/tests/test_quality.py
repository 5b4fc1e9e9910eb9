"""Recording quality per team and per worker: the child's team on the note's date, the note's
author, the user's scope, the period, small numbers suppressed, and the same table as CSV."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from lineofsight.web.figures import SUPPRESSED

from .pages_snapshot import check_row, recording_snapshot

pytestmark = pytest.mark.django_db

AS_AT = datetime.date(2024, 6, 28)


def _notes() -> list[dict]:
    rows = []
    # East (T-E): 10 notes on E1 by P-1 (Practitioner Person), 5 with the child's voice, 7 with
    # analysis, 3 with a decision and its reason (withheld: 1 to 4), 6 discouraged terms.
    for i in range(10):
        rows.append(
            check_row(
                f"E-{i}",
                "E1",
                datetime.date(2024, 5, 1) + datetime.timedelta(days=i),
                "P-1",
                voice=i < 5,
                analysis=i < 7,
                decision=i < 3,
                discouraged=1 if i < 6 else 0,
                acronyms=2 if i < 5 else 0,
            )
        )
    # West (T-W, W1 allocated from 2023-06-01): 3 notes by P-9, who has no account.
    rows += [check_row(f"W-{i}", "W1", f"2024-02-0{i + 1}", "P-9", voice=True) for i in range(3)]
    # Before W1 had a team (and before the 12 months to the snapshot's date).
    rows.append(check_row("W-EARLY", "W1", "2023-05-01", "P-9"))
    # E5 has no allocation or referral: no team on any date.
    rows.append(check_row("E5-1", "E5", "2024-04-01", "P-1", voice=True))
    # Outside the 12 months to the snapshot's date.
    rows.append(check_row("E-OLD", "E3", "2023-06-01", "P-1", voice=True))
    return rows


def _url() -> str:
    return reverse("recording:quality")


def _tables(page: str) -> dict[str, list[list[str]]]:
    """Each table's rows, by caption: cells as text."""
    import html
    import re

    found = {}
    for caption, body in re.findall(
        r"<caption[^>]*>(.*?)</caption>.*?<tbody[^>]*>(.*?)</tbody>", page, re.S
    ):
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
        found[re.sub(r"<[^>]+>", "", caption).strip()] = rows
    return found


def test_signed_out_sign_in_and_roles_without_recording_are_refused(client_for):
    assert client_for(None).get(_url()).status_code == 302
    for role in ("practitioner", "administrator"):
        assert client_for(role).get(_url()).status_code == 403
        assert client_for(role).get(reverse("recording:quality_csv")).status_code == 403


def test_a_qa_lead_sees_every_team_and_worker_with_small_numbers_suppressed(client_for):
    recording_snapshot(_notes(), as_at=AS_AT)
    response = client_for("qa_lead").get(_url())
    assert response.status_code == 200
    tables = _tables(response.content.decode())
    by_team = {r[0]: r[1:] for r in tables["By team"]}
    assert by_team["East"] == ["10", "50.0%", "70.0%", SUPPRESSED, "60.0", "100.0"]
    # 3 notes: the count is "fewer than 5" and every share and rate is withheld.
    assert by_team["West"] == ["fewer than 5", *[SUPPRESSED] * 5]
    assert by_team["No team on the note's date"][0] == "fewer than 5"
    assert by_team["All notes in view"][0] == "14"
    assert list(by_team)[-1] == "All notes in view"
    by_worker = {r[0]: r[1:] for r in tables["By worker"]}
    assert by_worker["Practitioner Person"][:2] == ["11", "54.5%"]
    assert by_worker["Someone not in Line of Sight"][0] == "fewer than 5"
    assert "P-9" not in response.content.decode()


def test_a_team_manager_sees_only_their_own_team(client_for):
    recording_snapshot(_notes(), as_at=AS_AT)
    client = client_for("team_manager")
    page = client.get(_url()).content.decode()
    tables = _tables(page)
    assert [r[0] for r in tables["By team"]] == ["East"]
    assert tables["By worker"] == [
        ["Practitioner Person", "10", "50.0%", "70.0%", SUPPRESSED, "60.0", "100.0"]
    ]  # E5's note has no team: not in the team manager's figures
    assert "West" not in page.split("By team", 1)[1]
    # Another team in the address is refused, not quietly widened or ignored.
    west = client.get(_url(), {"team": str(_team_pk("T-W"))})
    assert west.status_code == 400 and "By team" not in west.content.decode()
    assert (
        client.get(reverse("recording:quality_csv"), {"team": _team_pk("T-W")}).status_code == 400
    )


def test_a_service_manager_sees_their_service_and_may_choose_one_team(client_for):
    recording_snapshot(_notes(), as_at=AS_AT)
    client = client_for("service_manager")
    tables = _tables(client.get(_url()).content.decode())
    assert sorted(r[0] for r in tables["By team"]) == ["All notes in view", "East", "West"]
    chosen = _tables(client.get(_url(), {"team": _team_pk("T-W")}).content.decode())
    assert [r[0] for r in chosen["By team"]] == ["West"]
    assert [r[0] for r in chosen["By worker"]] == ["Someone not in Line of Sight"]


def test_the_period_end_chooses_the_12_months(client_for):
    recording_snapshot(_notes(), as_at=AS_AT)
    client = client_for("qa_lead")
    tables = _tables(client.get(_url(), {"period_end": "30/06/2023"}).content.decode())
    by_team = {r[0]: r[1] for r in tables["By team"]}
    # E-OLD (1 June 2023) and W-EARLY (1 May 2023, before W1 had a team) only.
    assert by_team == {
        "East": "fewer than 5",
        "No team on the note's date": "fewer than 5",
        "All notes in view": "fewer than 5",
    }
    bad = client.get(_url(), {"period_end": "31/02/2024"})
    assert bad.status_code == 400
    assert "Enter the period end as a real date" in bad.content.decode()


def test_the_csv_has_the_same_table_with_the_same_suppression(client_for):
    recording_snapshot(_notes(), as_at=AS_AT)
    response = client_for("qa_lead").get(reverse("recording:quality_csv"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Rows", "Name", "Notes checked"]
    lines = {(r[0], r[1]): r[2:8] for r in rows[1:]}
    assert lines[("Team", "East")] == ["10", "50.0%", "70.0%", SUPPRESSED, "60.0", "100.0"]
    assert lines[("Team", "West")] == ["fewer than 5", *[SUPPRESSED] * 5]
    assert lines[("Worker", "Someone not in Line of Sight")][0] == "fewer than 5"
    assert rows[1][-2:] == ["2023-06-29", "2024-06-28"]


def test_a_snapshot_without_checked_notes_says_so(client_for):
    recording_snapshot(None, as_at=AS_AT)
    page = client_for("qa_lead").get(_url()).content.decode()
    assert "no checked case notes yet" in page and "By team" not in page


def test_no_casework_data_says_so(client_for):
    page = client_for("team_manager").get(_url()).content.decode()
    assert "No casework data has been imported yet" in page


def test_the_page_makes_few_database_queries(client_for, django_assert_max_num_queries):
    recording_snapshot(_notes(), as_at=AS_AT)
    client = client_for("service_manager")
    client.get(_url())  # warm: the first request loads things every page loads once
    east = _team_pk("T-E")
    # The session and user, the teams in scope, the snapshot, the authors' names, the session
    # saved again: no query per team or per worker.
    with django_assert_max_num_queries(8):
        response = client.get(_url(), {"team": east})
    assert response.status_code == 200


def _team_pk(case_system_id: str) -> int:
    from lineofsight.accounts.models import Team

    return Team.objects.get(case_system_id=case_system_id).pk
