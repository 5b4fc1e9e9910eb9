"""My recent notes: the signed-in practitioner's own notes of the snapshot's last 90 days,
newest first, paged, with their markers and findings, each linking to the note's page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.worklists.tests.snapshots import AS_AT

from .pages_snapshot import check_row, recording_snapshot

pytestmark = pytest.mark.django_db


def _url() -> str:
    return reverse("recording:mine")


def _day(days_before: int) -> datetime.date:
    return AS_AT - datetime.timedelta(days=days_before)


def test_signed_out_is_sent_to_sign_in_and_a_role_without_casework_is_refused(client_for):
    response = client_for(None).get(_url())
    assert response.status_code == 302 and "sign-in" in response["Location"]
    assert client_for("administrator").get(_url()).status_code == 403


def test_own_notes_of_the_last_90_days_newest_first_with_markers_and_links(client_for):
    recording_snapshot(
        [
            check_row("N-OLD", "E1", _day(91), "P-1", voice=True),
            check_row("N-1", "E1", _day(30), "P-1", voice=True, discouraged=2, acronyms=1),
            check_row("N-2", "E3", _day(2), "P-1", analysis=True, note_type="Supervision"),
            check_row("N-THEIRS", "E1", _day(3), "P-2", voice=True),
        ]
    )
    response = client_for("practitioner").get(_url())
    assert response.status_code == 200
    page = response.content.decode()
    first, second = (
        reverse("recording:note", kwargs={"note_id": "N-2"}),
        reverse("recording:note", kwargs={"note_id": "N-1"}),
    )
    assert f'href="{first}"' in page and f'href="{second}"' in page
    assert page.index(f'href="{first}"') < page.index(f'href="{second}"')  # newest first
    assert "N-OLD" not in page and "N-THEIRS" not in page
    rows = page.split("<tbody", 1)[1].split("</tbody>")[0].split("<tr")[1:]
    assert "Supervision" in rows[0] and "<strong>May be missing</strong>" in rows[0]
    assert rows[1].count("May be there") == 1 and ">3</td>" in rows[1]  # 3 findings
    assert "The child's voice</dt>" in page and "Analysis</dt>" in page  # the markers explained


def test_notes_are_paged(client_for):
    recording_snapshot([check_row(f"N{i:02d}", "E1", _day(i), "P-1") for i in range(1, 31)])
    client = client_for("practitioner")
    first = client.get(_url()).content.decode()
    assert "Page 1 of 2" in first and "/notes/N01/" in first and "/notes/N30/" not in first
    second = client.get(_url(), {"page": 2}).content.decode()
    assert "/notes/N30/" in second and "/notes/N01/" not in second


def test_an_account_without_a_worker_id_is_told_why_nothing_is_listed(client_for):
    recording_snapshot([check_row("N-1", "E1", _day(1), "P-1")])
    page = client_for("team_manager").get(_url()).content.decode()
    assert "Your account has no worker id" in page and "/notes/N-1/" not in page


def test_a_snapshot_without_checked_notes_says_so(client_for):
    recording_snapshot(None)
    page = client_for("practitioner").get(_url()).content.decode()
    assert "no checked case notes yet" in page


def test_no_casework_data_says_so(client_for):
    page = client_for("practitioner").get(_url()).content.decode()
    assert "No casework data has been imported yet" in page
