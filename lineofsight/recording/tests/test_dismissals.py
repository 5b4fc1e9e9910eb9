"""Dismissing a finding with a reason, and taking it back: whoever may read the note may (they
may see the child, or they wrote it); anyone else is told there is no such note. Dismissals
are counted per rule for the rules page."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from lineofsight.accounts.models import User
from lineofsight.history.models import ChangeEvent
from lineofsight.recording.models import FindingDismissal
from lineofsight.recording.selectors.dismissals import dismissal_counts
from lineofsight.recording.selectors.notes import checked_note_for_user
from lineofsight.recording.services import dismissals as services

from .test_rules_support import notes_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(council):
    return notes_snapshot()


# "absconded" in Amy's note, dismissed with Amy's own reason.
AMY_FINDING = {
    "note_id": "N-AMY",
    "rule": "discouraged-term",
    "start": 4,
    "text": "absconded",
    "reason": "Amy's own word: she says she ran off.",
}


def _dismiss(user, **finding):
    """Dismiss Amy's finding, or the one `finding` changes it into."""
    return services.finding_dismiss(actor=user, **{**AMY_FINDING, **finding})


def test_a_dismissed_finding_is_listed_apart_with_who_and_why(council, notes):
    qa = council["users"]["qa_lead"]
    dismissal = _dismiss(qa)
    assert (dismissal.person_id, dismissal.end, dismissal.dismissed_by) == ("E1", 13, qa)
    page = checked_note_for_user(council["users"]["team_manager"], "N-AMY")
    assert [f.text for f in page.annotated.findings] == ["LAC", "LAC review"]
    assert [(d.dismissal.reason, d.found_now) for d in page.dismissed] == [
        ("Amy's own word: she says she ran off.", True)
    ]
    (event,) = ChangeEvent.objects.filter(action="finding_dismiss")
    assert event.actor == qa and event.changes["reason"][1].startswith("Amy's own word")
    assert dismissal_counts() == {"discouraged-term": 1}


def test_a_reason_is_required_and_nothing_is_dismissed_without_one(council, notes):
    with pytest.raises(services.DismissalError) as refused:
        _dismiss(council["users"]["qa_lead"], reason="   ")
    assert refused.value.field == "reason"
    assert not FindingDismissal.objects.exists()


def test_only_a_finding_the_checker_makes_can_be_dismissed(council, notes):
    with pytest.raises(services.DismissalError, match="no longer made"):
        _dismiss(council["users"]["qa_lead"], start=5)
    assert not FindingDismissal.objects.exists()


def test_dismissing_twice_keeps_the_first(council, notes):
    first = _dismiss(council["users"]["qa_lead"])
    again = _dismiss(council["users"]["team_manager"], reason="Another reason")
    assert again.pk == first.pk and FindingDismissal.objects.count() == 1


def test_an_outsider_is_told_there_is_no_such_note(council, notes):
    # Will (W1) is in the West team: not the East team manager's, not P-1's caseload.
    for role in ("team_manager", "practitioner"):
        with pytest.raises(Http404):
            _dismiss(council["users"][role], note_id="N-WILL", start=5, text="refused to engage")
    with pytest.raises(PermissionDenied):
        _dismiss(council["users"]["administrator"])
    assert not FindingDismissal.objects.exists()


def test_the_author_may_dismiss_on_a_note_about_a_child_outside_their_caseload(council, notes):
    dismissal = _dismiss(council["users"]["practitioner"], note_id="N-WILL-P1", start=22)
    assert dismissal.note_id == "N-WILL-P1"


def test_restoring_a_dismissal_counts_the_finding_again(council, notes):
    dismissal = _dismiss(council["users"]["qa_lead"])
    west = User.objects.create_user(
        email="west@example.org", full_name="West Manager", role="team_manager"
    )
    west.memberships.create(team=council["teams"]["west"])
    with pytest.raises(Http404):  # the West team's manager cannot see Amy's note
        services.finding_restore(actor=west, dismissal_id=dismissal.pk)
    assert FindingDismissal.objects.filter(pk=dismissal.pk).exists()
    services.finding_restore(actor=council["users"]["team_manager"], dismissal_id=dismissal.pk)
    assert not FindingDismissal.objects.exists()
    assert ChangeEvent.objects.filter(action="finding_restore").count() == 1
    page = checked_note_for_user(council["users"]["team_manager"], "N-AMY")
    assert "absconded" in [f.text for f in page.annotated.findings] and not page.dismissed
