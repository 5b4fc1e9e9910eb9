"""Issue 11: the feedback pages' counts go through the one small-number rule."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.feedback import selectors, services
from lineofsight.feedback.models import Channel, FromWhom, Kind

pytestmark = pytest.mark.django_db


def _record(council, n: int, team: str = "east") -> None:
    for i in range(n):
        services.feedback_record(
            actor=council["users"]["team_manager"],
            kind=Kind.COMPLIMENT,
            from_whom=FromWhom.PARENT,
            received_on=timezone.localdate(),
            team=council["teams"][team],
            text=f"Thank you, number {i}.",
            channel=Channel.IN_PERSON,
            themes=["voice-of-the-child"],
            consent_to_share=False,
        )


def test_the_feedback_list_never_shows_a_count_of_1_to_4(council, client_for):
    _record(council, 3)
    assert selectors.theme_counts(council["users"]["team_manager"]) == {"voice-of-the-child": 3}
    page = client_for("team_manager").get(reverse("feedback:list")).text
    assert "Fewer than 5 matching" in page
    assert not re.search(r">\s*[1-4] matching", page)


def test_five_or_more_are_shown_as_the_number(council, client_for):
    _record(council, 5)
    page = client_for("team_manager").get(reverse("feedback:list")).text
    assert re.search(r">\s*5 matching", page)
