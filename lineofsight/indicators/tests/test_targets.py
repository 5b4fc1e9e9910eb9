"""The council's indicator targets: who may set them, validation, history and stale edits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.history.models import ChangeEvent
from lineofsight.indicators import catalogue, services
from lineofsight.indicators.models import IndicatorTarget
from lineofsight.indicators.types import Polarity, Unit

pytestmark = pytest.mark.django_db


def _indicator(polarity=Polarity.HIGHER_IS_BETTER, unit=Unit.PERCENT):
    for ind in catalogue.catalogue():
        if ind.polarity == polarity and (unit is None or ind.unit == unit):
            return ind
    pytest.fail(f"no {polarity} {unit} indicator in the catalogue")


def _set(actor, indicator, target, *, version=0, **fields):
    """services.target_set with an amber margin of 5 and no note unless `fields` say else."""
    fields = {"amber_margin": 5, "note": "", **fields}
    return services.target_set(
        actor=actor, indicator_id=indicator.id, target=target, expected_version=version, **fields
    )


def _edit_url(indicator_id: str) -> str:
    return reverse("indicators:target_edit", kwargs={"indicator_id": indicator_id})


def test_set_a_target_through_the_form_records_history(client_for, council):
    indicator = _indicator()
    response = client_for(Role.ANALYST).post(
        _edit_url(indicator.id),
        {
            "target": "85",
            "amber_margin": "5",
            "note": "Agreed by the leadership team",
            "version": 0,
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("indicators:targets")
    saved = IndicatorTarget.objects.get(indicator_id=indicator.id)
    assert (saved.target, saved.amber_margin, saved.version) == (85, 5, 1)
    assert saved.updated_by == council["users"][Role.ANALYST]
    event = ChangeEvent.objects.get(action="target_set")
    assert event.changes["target"] == [None, 85.0]
    page = client_for(Role.TEAM_MANAGER).get(reverse("indicators:targets")).content.decode()
    assert "85.0%" in page and "Agreed by the leadership team" in page


def test_changing_a_target_bumps_its_version(council):
    indicator = _indicator()
    analyst, leader = council["users"][Role.ANALYST], council["users"][Role.SENIOR_LEADER]
    first = _set(analyst, indicator, 80)
    second = _set(leader, indicator, 90, amber_margin=2, note="Raised", version=first.version)
    assert second.version == 2 and second.target == 90 and second.updated_by == leader
    assert ChangeEvent.objects.filter(action="target_set").count() == 2


def test_a_stale_edit_is_refused_and_nothing_is_overwritten(client_for, council):
    indicator = _indicator()
    analyst, leader = council["users"][Role.ANALYST], council["users"][Role.SENIOR_LEADER]
    _set(analyst, indicator, 80)
    # The leader opened the form at version 1; the analyst saves version 2 meanwhile.
    _set(analyst, indicator, 82, version=1)
    with pytest.raises(services.TargetChangedMeanwhile):
        _set(leader, indicator, 95, amber_margin=1, version=1)
    response = client_for(Role.SENIOR_LEADER).post(
        _edit_url(indicator.id), {"target": "95", "amber_margin": "1", "note": "", "version": 1}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this target" in page and analyst.full_name in page
    assert 'name="version" value="2"' in page  # saving again goes over what is there now
    assert IndicatorTarget.objects.get(indicator_id=indicator.id).target == 82
    # A first target set by someone else while the form was open is refused too.
    other = _indicator(polarity=Polarity.LOWER_IS_BETTER, unit=None)
    _set(analyst, other, 10, amber_margin=0)
    with pytest.raises(services.TargetChangedMeanwhile):
        _set(leader, other, 12, amber_margin=0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": "", "amber_margin": "5"}, "Enter the target"),
        ({"target": "lots", "amber_margin": "5"}, "Enter the target as a number"),
        ({"target": "120", "amber_margin": "5"}, "A percentage target cannot be more than 100"),
        ({"target": "-1", "amber_margin": "5"}, "The target cannot be less than 0"),
        ({"target": "80", "amber_margin": "-2"}, "The amber margin cannot be less than 0"),
    ],
)
def test_validation_errors_show_in_the_error_summary(client_for, data, message):
    indicator = _indicator()
    response = client_for(Role.ANALYST).post(_edit_url(indicator.id), {**data, "version": 0})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page and message in page
    assert "<title>Error:" in page
    assert not IndicatorTarget.objects.exists()


def test_volumes_have_no_target(client_for, council):
    indicator = _indicator(polarity=Polarity.NEITHER, unit=None)
    client = client_for(Role.ANALYST)
    page = client.get(_edit_url(indicator.id))
    assert page.status_code == 200 and "a volume to watch" in page.content.decode()
    response = client.post(
        _edit_url(indicator.id), {"target": "5", "amber_margin": "0", "version": 0}
    )
    assert response.status_code == 400 and not IndicatorTarget.objects.exists()
    with pytest.raises(services.TargetError):
        _set(council["users"][Role.ANALYST], indicator, 5, amber_margin=0)


def test_remove_a_target(client_for, council):
    indicator = _indicator()
    _set(council["users"][Role.ANALYST], indicator, 80)
    response = client_for(Role.SENIOR_LEADER).post(
        _edit_url(indicator.id),
        {"target": "80", "amber_margin": "5", "version": 1, "remove": "1"},
    )
    assert response.status_code == 302
    assert not IndicatorTarget.objects.exists()
    assert ChangeEvent.objects.filter(action="target_remove").count() == 1


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.ANALYST, 200),
        (Role.SENIOR_LEADER, 200),
        (Role.QA_LEAD, 403),
        (Role.TEAM_MANAGER, 403),
        (Role.SERVICE_MANAGER, 403),
        (Role.PRACTITIONER, 403),
        (Role.ADMINISTRATOR, 403),
    ],
)
def test_only_analysts_and_senior_leaders_set_targets(client_for, council, role, status):
    indicator = _indicator()
    client = client_for(role)
    assert client.get(_edit_url(indicator.id)).status_code == status
    post = client.post(_edit_url(indicator.id), {"target": "80", "amber_margin": "5", "version": 0})
    assert post.status_code == (302 if status == 200 else 403)
    if status == 403:
        with pytest.raises(PermissionDenied):
            _set(council["users"][role], indicator, 1, amber_margin=0)
