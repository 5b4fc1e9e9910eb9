"""The note page: one case note with its findings highlighted where they stand, for whoever
may see the child or wrote the note (404 for anyone else, 403 for a role without casework),
every view access-logged; a finding dismissed with a reason and restored, without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.recording.models import FindingDismissal

from .test_rules_support import notes_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(council):
    return notes_snapshot()


def _url(note_id: str) -> str:
    return reverse("recording:note", args=[note_id])


@pytest.mark.parametrize(
    ("role", "note_id", "status"),
    [
        ("qa_lead", "N-AMY", 200),
        ("senior_leader", "N-CAL", 200),
        ("analyst", "N-WILL", 200),
        ("team_manager", "N-AMY", 200),
        ("team_manager", "N-WILL", 404),  # West team
        ("service_manager", "N-WILL", 200),
        ("service_manager", "N-CAL", 404),  # another service
        ("practitioner", "N-AMY", 200),
        ("practitioner", "N-WILL", 404),  # not their caseload
        ("practitioner", "N-WILL-P1", 200),  # ... but they wrote this one
        ("qa_lead", "NO-SUCH-NOTE", 404),
        ("administrator", "N-AMY", 403),
        (None, "N-AMY", 302),
    ],
)
def test_who_may_read_a_note(client_for, notes, role, note_id, status):
    response = client_for(role).get(_url(note_id))
    assert response.status_code == status
    logged = AccessLogEntry.objects.filter(path=_url(note_id))
    assert logged.exists() == (status == 200)


def test_the_view_is_access_logged_with_the_child(client_for, council, notes):
    client_for("team_manager").get(_url("N-AMY"))
    (entry,) = AccessLogEntry.objects.all()
    assert (entry.user, entry.person_id, entry.purpose) == (
        council["users"]["team_manager"],
        "E1",
        "casework",
    )


def test_each_finding_is_highlighted_where_it_stands(client_for, notes):
    html = client_for("qa_lead").get(_url("N-AMY")).content.decode()
    text = re.sub(r"<[^>]+>", "", html)
    assert html.count('<mark class="los-mark') >= 2
    marked = re.findall(r"<mark[^>]*>(.*?)</mark>", html, re.DOTALL)
    assert any("absconded" in m for m in marked) and any("LAC" in m for m in marked)
    assert not any("feels safe" in m for m in marked)
    assert 'href="#finding-1"' in html and 'id="finding-3"' in html
    assert "may not be how the child or family would put it" in text
    assert "“Amy said”" in text  # the child's voice may be there, with the words that show it
    assert "May be missing" in text  # analysis
    assert "Dismiss finding 1" in text and "Dismissed findings" in text


def test_dismiss_needs_a_reason_then_lists_the_finding_apart(client_for, council, notes):
    client = client_for("team_manager")
    form = {"finding": "1", "f1-rule": "discouraged-term", "f1-start": "4", "f1-text": "absconded"}
    refused = client.post(_url("N-AMY"), form | {"f1-reason": " "})
    assert refused.status_code == 400
    assert "Say why this finding does not apply to this note" in refused.content.decode()
    assert not FindingDismissal.objects.exists()

    done = client.post(_url("N-AMY"), form | {"f1-reason": "Her own words, from the visit."})
    assert done.status_code == 302 and done.url == _url("N-AMY")
    dismissal = FindingDismissal.objects.get()
    assert dismissal.dismissed_by == council["users"]["team_manager"]
    page = client.get(_url("N-AMY")).content.decode()
    assert "Her own words, from the visit." in page and "Restore" in page
    assert "Dismiss finding 3" not in page  # two findings left

    restored = client.post(_url("N-AMY"), {"restore": str(dismissal.pk)})
    assert restored.status_code == 302
    assert not FindingDismissal.objects.exists()


def test_an_outsider_cannot_dismiss_or_restore(client_for, council, notes):
    form = {
        "finding": "1",
        "f1-rule": "discouraged-term",
        "f1-start": "5",
        "f1-text": "refused to engage",
        "f1-reason": "Why not",
    }
    assert client_for("team_manager").post(_url("N-WILL"), form).status_code == 404
    assert client_for("administrator").post(_url("N-AMY"), form).status_code == 403
    assert not FindingDismissal.objects.exists()
    client_for("qa_lead").post(_url("N-WILL"), form)
    dismissal = FindingDismissal.objects.get()
    # A restore posted through a note the user may read still needs the dismissal's own note.
    response = client_for("team_manager").post(_url("N-AMY"), {"restore": str(dismissal.pk)})
    assert response.status_code == 404
    assert FindingDismissal.objects.exists()


def test_no_snapshot_means_no_note(client_for, council):
    assert client_for("qa_lead").get(_url("N-AMY")).status_code == 404
