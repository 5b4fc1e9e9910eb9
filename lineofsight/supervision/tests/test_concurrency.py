"""Two people saving the same case at once: the second is refused, and nothing is lost."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Membership
from lineofsight.history.models import ChangeEvent
from lineofsight.supervision import services
from lineofsight.supervision.models import REFLECTION_FIELDS, SessionCase

from .helpers import make_session

pytestmark = pytest.mark.django_db


def words(text: str) -> dict[str, str]:
    return {name: f"{text} ({name})" for name in REFLECTION_FIELDS} | {"look_again_on": ""}


@pytest.fixture
def case(council, east) -> SessionCase:
    session = make_session(council, datetime.date(2024, 7, 1), person_ids=["E1"])
    return SessionCase.objects.get(session=session)


def test_the_second_save_is_refused_and_both_texts_survive(client_for, council, case):
    Membership.objects.create(user=council["users"]["qa_lead"], team=council["teams"]["east"])
    first, second = client_for("team_manager"), client_for("qa_lead")
    url = reverse("supervision:case", args=[case.pk])
    # Both open the form at version 1.
    assert 'name="version" value="1"' in first.get(url).content.decode()
    assert 'name="version" value="1"' in second.get(url).content.decode()

    assert first.post(url, {**words("First"), "version": 1}).status_code == 302
    response = second.post(url, {**words("Second"), "version": 1})

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this case" in html
    assert "Team manager Person saved this case" in html
    assert "Your text has not been saved" in html
    # The second person's words are still in the boxes, and the first person's are shown.
    assert "Second (hypotheses)</textarea>" in html
    assert "First (hypotheses)" in html
    # The form now carries the current version, so saving again after comparing works.
    assert 'name="version" value="2"' in html
    saved = SessionCase.objects.get(pk=case.pk)
    assert saved.hypotheses == "First (hypotheses)" and saved.version == 2
    assert ChangeEvent.objects.filter(action="session_case_record").count() == 1

    assert second.post(url, {**words("Merged"), "version": 2}).status_code == 302
    saved.refresh_from_db()
    assert saved.hypotheses == "Merged (hypotheses)" and saved.version == 3


def test_the_service_refuses_a_stale_version(council, case):
    manager = council["users"]["team_manager"]
    values = dict.fromkeys(REFLECTION_FIELDS, "x") | {"look_again_on": None}
    services.session_case_record(actor=manager, case=case, expected_version=1, **values)

    with pytest.raises(services.CaseChangedMeanwhile):
        services.session_case_record(actor=manager, case=case, expected_version=1, **values)
    assert SessionCase.objects.get(pk=case.pk).version == 2
