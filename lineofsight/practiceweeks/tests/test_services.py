from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lineofsight.history.models import ChangeEvent
from lineofsight.practiceweeks import services
from lineofsight.practiceweeks.models import (
    ConsentMethod,
    FamilyConsent,
    ObservationStatus,
    ObservationVersion,
)

from . import factories

pytestmark = pytest.mark.django_db


def _history(obj, action: str) -> list[ChangeEvent]:
    return list(
        ChangeEvent.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk), action=action
        )
    )


@pytest.fixture
def visit(council):
    """A visit planned with the factories' defaults in a new practice week."""
    return factories.visit(council, factories.week(council))


# -- planning ----------------------------------------------------------------------------------


def test_a_week_is_created_with_history(council):
    week = factories.week(council)
    assert week.title == "Practice week, spring"
    assert _history(week, "week_create")


def test_only_a_quality_assurance_lead_plans(council):
    with pytest.raises(PermissionDenied):
        factories.week(
            council,
            actor=council["users"]["service_manager"],
            title="Mine",
            starts_on=datetime.date(2026, 3, 2),
            days=4,
        )


def test_week_dates_must_be_in_order(council):
    with pytest.raises(services.PracticeWeekError, match="last day"):
        factories.week(council, title="Backwards", starts_on=datetime.date(2026, 3, 6), days=-4)


def test_a_visit_to_a_team_outside_the_assessors_service_is_planned(council, visit):
    assert visit.team == council["teams"]["cic"]
    assert visit.assessor == council["users"]["service_manager"]
    assert _history(visit, "visit_create")


def test_a_visit_to_the_assessors_own_service_is_refused(council):
    week = factories.week(council)
    with pytest.raises(services.PracticeWeekError, match="own service") as caught:
        factories.visit(council, week, team=council["teams"]["west"])
    assert caught.value.field == "team"
    assert "West is in Safeguarding" in str(caught.value)


def test_a_team_members_own_service_counts_too(council):
    # A senior leader who belongs to the East team is in Safeguarding as well.
    leader = council["users"]["senior_leader"]
    leader.memberships.create(team=council["teams"]["east"])
    week = factories.week(council)
    with pytest.raises(services.PracticeWeekError, match="own service"):
        factories.visit(council, week, assessor=leader, team=council["teams"]["west"])
    assert factories.visit(council, week, assessor=leader, team=council["teams"]["leavers"])


def test_only_senior_managers_and_qa_leads_assess(council):
    week = factories.week(council)
    with pytest.raises(services.PracticeWeekError, match="cannot be an assessor"):
        factories.visit(council, week, assessor=council["users"]["team_manager"])


def test_a_visit_falls_within_the_week(council):
    week = factories.week(council)
    outside = factories.at(week.ends_on + datetime.timedelta(days=3))
    with pytest.raises(services.PracticeWeekError, match="within the week"):
        factories.visit(council, week, starts_at=outside)


def test_a_visit_is_to_a_team_in_scope(council):
    week = factories.week(council)
    week.teams.set([council["teams"]["leavers"]])
    with pytest.raises(services.PracticeWeekError, match="not in the scope"):
        factories.visit(council, week)  # the Care Team is not in scope


def test_a_stale_visit_edit_is_refused(council, visit):
    values = {
        "assessor": visit.assessor,
        "team": visit.team,
        "starts_at": visit.starts_at,
        "local_contact": "New contact",
        "team_size": 9,
        "team_context": "",
        "team_structure": "",
        "briefing": "",
        "observes_family": False,
        "family_activity": "",
    }
    qa = council["users"]["qa_lead"]
    services.visit_update(actor=qa, visit=visit, expected_version=0, **values)
    with pytest.raises(services.EditConflict, match="after you opened it"):
        services.visit_update(actor=qa, visit=visit, expected_version=0, **values)


def test_a_stale_week_edit_is_refused_and_changes_nothing(council):
    week = factories.week(council)
    qa = council["users"]["qa_lead"]
    common = {
        "starts_on": week.starts_on,
        "ends_on": week.ends_on,
        "purpose": "",
        "services": [],
        "teams": [],
    }
    services.week_update(
        actor=qa, week=week, expected_version=0, title="First", reflection="Went well", **common
    )
    with pytest.raises(services.EditConflict):
        services.week_update(
            actor=qa, week=week, expected_version=0, title="Second", reflection="", **common
        )
    week.refresh_from_db()
    assert (week.title, week.reflection, week.version) == ("First", "Went well", 1)


# -- consent -----------------------------------------------------------------------------------


def test_consent_is_recorded_before_the_visit(council):
    week = factories.week(council)
    visit = factories.visit(council, week, observes_family=True)
    consent = services.consent_record(
        actor=council["users"]["service_manager"],
        visit=visit,
        given_by="The young person's foster carer",
        method=ConsentMethod.PHONE,
        given_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert consent.counts_for(visit)
    assert _history(visit, "consent_record")


def test_consent_cannot_be_recorded_once_the_visit_has_begun(council):
    week = factories.week(council)
    visit = factories.visit(
        council, week, starts_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    with pytest.raises(services.PracticeWeekError, match="before the visit"):
        services.consent_record(
            actor=council["users"]["qa_lead"],
            visit=visit,
            given_by="Mother",
            method=ConsentMethod.IN_PERSON,
            given_at=timezone.now() - datetime.timedelta(days=1),
        )
    assert not FamilyConsent.objects.exists()


def test_consent_is_recorded_by_the_assessor_or_qa_only(council, visit):
    with pytest.raises(PermissionDenied):
        services.consent_record(
            actor=council["users"]["senior_leader"],
            visit=visit,
            given_by="Mother",
            method=ConsentMethod.IN_PERSON,
            given_at=timezone.now(),
        )


def test_an_observed_family_meeting_needs_consent_recorded_before_the_visit(council):
    week = factories.week(council)
    visit = factories.visit(council, week, observes_family=True)
    sm = council["users"]["service_manager"]

    def save_the_observed_meeting():
        return services.observation_save(
            actor=sm,
            visit=visit,
            expected_version=0,
            findings=factories.findings(leadership__strength="Clear direction"),
            family_meeting_observed=True,
            family_meeting_notes="The carer led the meeting.",
        )

    with pytest.raises(services.ConsentMissing, match="no consent was recorded"):
        save_the_observed_meeting()

    services.consent_record(
        actor=sm,
        visit=visit,
        given_by="Foster carer",
        method=ConsentMethod.WRITING,
        given_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert save_the_observed_meeting().family_meeting_observed


def test_consent_written_down_after_the_visit_does_not_count(council):
    week = factories.week(council)
    visit = factories.visit(council, week, starts_at=timezone.now() - datetime.timedelta(hours=1))
    # Even if it were written in by other means, consent recorded after the start is refused.
    FamilyConsent.objects.create(
        visit=visit,
        given_by="Mother",
        method=ConsentMethod.IN_PERSON,
        given_at=visit.starts_at - datetime.timedelta(days=1),
        recorded_by=council["users"]["qa_lead"],
        recorded_at=timezone.now(),
    )
    with pytest.raises(services.ConsentMissing):
        services.observation_save(
            actor=council["users"]["service_manager"],
            visit=visit,
            expected_version=0,
            findings=factories.findings(leadership__strength="Clear direction"),
            family_meeting_observed=True,
        )


# -- observations ------------------------------------------------------------------------------


def test_only_the_assessor_records_the_observation(council, visit):
    with pytest.raises(PermissionDenied):
        services.observation_save(
            actor=council["users"]["qa_lead"],
            visit=visit,
            expected_version=0,
            findings=factories.findings(leadership__strength="x"),
        )


def test_items_are_one_per_line_and_keep_their_themes(council, visit):
    observation = factories.observation(
        council,
        visit,
        texts={"leadership__strength": "- Visible managers\n\n* Regular supervision"},
        themes={"Visible managers": ["leadership-and-oversight"]},
    )
    texts = [f.text for f in observation.findings.order_by("order")]
    assert texts == ["Visible managers", "Regular supervision"]
    saved = services.observation_save(
        actor=visit.assessor,
        visit=visit,
        expected_version=observation.version,
        findings=factories.findings(
            leadership__strength="Regular supervision\nVisible managers\nGood morale"
        ),
    )
    by_text = {f.text: (f.order, f.themes) for f in saved.findings.all()}
    assert by_text["Visible managers"] == (2, ["leadership-and-oversight"])
    assert by_text["Good morale"] == (3, [])


def test_a_stale_draft_edit_is_refused(council, visit):
    first = factories.observation(council, visit)
    sm = visit.assessor
    services.observation_save(
        actor=sm,
        visit=visit,
        expected_version=first.version,
        findings=factories.findings(leadership__strength="Newer text"),
    )
    with pytest.raises(services.EditConflict, match="after you opened it"):
        services.observation_save(
            actor=sm,
            visit=visit,
            expected_version=first.version,
            findings=factories.findings(leadership__strength="Older text"),
        )
    first.refresh_from_db()
    assert [f.text for f in first.findings.all()] == ["Newer text"]


def test_submitting_locks_the_observation(council, visit):
    observation = factories.observation(council, visit, submit=True)
    assert observation.status == ObservationStatus.SUBMITTED
    assert observation.submitted_by == visit.assessor
    frozen = ObservationVersion.objects.get(observation=observation, number=1)
    assert any(f["text"] == "Caseloads are high" for f in frozen.content["findings"])
    with pytest.raises(services.ObservationLocked):
        services.observation_save(
            actor=visit.assessor,
            visit=visit,
            expected_version=observation.version,
            findings=factories.findings(leadership__strength="Changed after submission"),
        )
    with pytest.raises(services.ObservationLocked):
        services.observation_submit(
            actor=visit.assessor, observation=observation, expected_version=observation.version
        )
    assert _history(observation, "observation_submit")


def test_an_empty_observation_cannot_be_submitted(council):
    week = factories.week(council)
    visit = factories.visit(council, week, starts_at=factories.at(timezone.localdate(), 0))
    observation = factories.observation(council, visit, texts={})
    with pytest.raises(services.PracticeWeekError, match="at least one"):
        services.observation_submit(
            actor=visit.assessor, observation=observation, expected_version=observation.version
        )


def test_reopening_opens_a_new_version_and_keeps_the_old(council):
    week = factories.week(council)
    visit = factories.visit(council, week, starts_at=factories.at(timezone.localdate(), 0))
    observation = factories.observation(council, visit, submit=True)
    qa = council["users"]["qa_lead"]

    with pytest.raises(services.PracticeWeekError, match="why"):
        services.observation_reopen(actor=qa, observation=observation, reason=" ")
    with pytest.raises(PermissionDenied):
        services.observation_reopen(
            actor=visit.assessor, observation=observation, reason="I want to"
        )

    reopened = services.observation_reopen(
        actor=qa, observation=observation, reason="The case example names a school."
    )
    assert (reopened.status, reopened.number) == (ObservationStatus.DRAFT, 2)
    assert reopened.reason_for_change == "The case example names a school."
    reopen_events = _history(observation, "observation_reopen")
    assert reopen_events and reopen_events[0].changes["number"] == [1, 2]

    services.observation_save(
        actor=visit.assessor,
        visit=visit,
        expected_version=reopened.version,
        findings=factories.findings(leadership__strength="Corrected text"),
    )
    reopened.refresh_from_db()
    services.observation_submit(
        actor=visit.assessor, observation=reopened, expected_version=reopened.version
    )
    versions = list(ObservationVersion.objects.filter(observation=observation).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert any(f["text"] == "Caseloads are high" for f in versions[0].content["findings"])
    assert [f["text"] for f in versions[1].content["findings"]] == ["Corrected text"]
    assert versions[1].reason_for_change == "The case example names a school."


def test_tagging_normalises_to_vocabulary_keys_and_keeps_free_tags(council, visit):
    observation = factories.observation(council, visit, submit=True)
    finding = observation.findings.get(text="Caseloads are high")
    services.observation_tag(
        actor=council["users"]["qa_lead"],
        observation=observation,
        expected_version=observation.version,
        tags={finding.pk: ["Workforce and wellbeing", "caseload pressure", "caseload pressure"]},
    )
    finding.refresh_from_db()
    assert finding.themes == ["workforce-and-wellbeing", "caseload-pressure"]
    assert _history(observation, "observation_tag")


def test_a_stale_tagging_is_refused(council, visit):
    observation = factories.observation(council, visit, submit=True)
    finding = observation.findings.first()
    qa = council["users"]["qa_lead"]
    stale = observation.version
    services.observation_tag(
        actor=qa, observation=observation, expected_version=stale, tags={finding.pk: ["planning"]}
    )
    with pytest.raises(services.EditConflict):
        services.observation_tag(
            actor=qa, observation=observation, expected_version=stale, tags={finding.pk: []}
        )


def test_the_demonstration_week(council):
    from lineofsight.practiceweeks import analysis
    from lineofsight.practiceweeks.demo import make_demo_week

    week = make_demo_week(actor=council["users"]["qa_lead"])
    assert make_demo_week(actor=council["users"]["qa_lead"]) == week
    result = analysis.week_analysis(week)
    assert result.visited >= 2 and result.drafts == 0
    assert result.themes
    for visit in week.visits.select_related("team", "assessor"):
        assert visit.team.service_id not in services.own_service_ids(visit.assessor)
