"""Programmes: drawing the sample from a real snapshot, recording it, allocating auditors."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lineofsight.accounts.models import Role, User
from lineofsight.audits import casefiles, services
from lineofsight.audits.models import Audit, AuditProgramme, SampleMode, Selection
from lineofsight.history.models import ChangeEvent

from . import casefile_extract, factories

pytestmark = pytest.mark.django_db


def _auditors(council) -> dict[str, User]:
    """Team managers for each team, so every file has someone independent to audit it."""
    people = {}
    for key, team in council["teams"].items():
        user = User.objects.create_user(
            email=f"tm.{key}@example.org",
            full_name=f"Manager {team.name}",
            role=Role.TEAM_MANAGER,
            password="x",
        )
        user.memberships.create(team=team)
        people[key] = user
    return people


def _create(council, tools, **kwargs) -> AuditProgramme:
    today = timezone.localdate()
    defaults = {
        "actor": council["users"]["qa_lead"],
        "name": "Spring audit",
        "period_start": today,
        "period_end": today + datetime.timedelta(days=90),
        "tool_version": tools["golden-threads"],
        "sample_mode": SampleMode.COUNT,
        "sample_count": 3,
        "auditor_roles": [Role.TEAM_MANAGER],
    }

    defaults.update(kwargs)
    return services.programme_create(**defaults)


def test_only_the_quality_assurance_lead_creates_programmes(council, tools):
    with pytest.raises(PermissionDenied):
        _create(council, tools, actor=council["users"]["team_manager"])


def test_the_sample_is_stratified_recorded_and_reproducible(council, tools, snapshot):
    _auditors(council)
    programme = _create(council, tools)
    result = services.programme_draw_sample(
        actor=council["users"]["qa_lead"], programme=programme, seed=12345
    )
    programme.refresh_from_db()
    assert result.drawn == 12  # 3 files in each of 4 teams
    assert programme.seed == 12345
    assert programme.snapshot_id == snapshot.pk
    assert programme.snapshot_content_hash == snapshot.content_hash
    assert programme.sample_source == casefiles.SOURCE_TABLE
    assert programme.population == 48
    assert {(s["team_id"], s["cohort"]) for s in programme.strata} == {
        ("T-E", "cin"),
        ("T-W", "cin"),
        ("T-C", "cla"),
        ("T-L", "care_leaver"),
    }
    assert all(s["drawn"] == 3 and s["eligible"] == 12 for s in programme.strata)
    drawn = set(Audit.objects.filter(programme=programme).values_list("person_id", flat=True))

    # The same seed and snapshot give the same files, computed again from the record alone.
    from lineofsight.audits import sampling

    cases, _ = casefiles.open_cases(programme.snapshot)
    again = sampling.draw(cases, sampling.SampleRule(mode="count", count=3), programme.seed)
    assert {c.person_id for c in again.drawn} == drawn
    assert ChangeEvent.objects.filter(action="audit_programme_draw_sample").count() == 1


def test_auditors_never_get_their_own_teams_files_and_loads_are_even(council, tools, snapshot):
    people = _auditors(council)
    programme = _create(council, tools)
    services.programme_draw_sample(actor=council["users"]["qa_lead"], programme=programme, seed=9)
    audits = list(Audit.objects.filter(programme=programme).select_related("team"))
    assert all(a.auditor_id for a in audits)
    for audit in audits:
        assert not audit.auditor.memberships.filter(team=audit.team).exists()
        assert audit.due_date == timezone.localdate() + datetime.timedelta(days=28)
    loads = [sum(1 for a in audits if a.auditor_id == u.pk) for u in people.values()]
    # Five team managers (the council's own East manager too) share 12 files.
    east_manager = council["users"]["team_manager"]
    loads.append(sum(1 for a in audits if a.auditor_id == east_manager.pk))
    assert max(loads) - min(loads) <= 1


def test_a_sample_is_drawn_once_only(council, tools, snapshot):
    _auditors(council)
    programme = _create(council, tools)
    qa = council["users"]["qa_lead"]
    services.programme_draw_sample(actor=qa, programme=programme, seed=1)
    with pytest.raises(services.AuditError, match="cannot be drawn again"):
        services.programme_draw_sample(actor=qa, programme=programme, seed=2)


def test_recently_audited_and_listed_children_are_left_out_and_recorded(council, tools, snapshot):
    _auditors(council)
    qa = council["users"]["qa_lead"]
    earlier = factories.programme(qa, name="Last year")
    for i in range(12):  # every East file was audited recently
        factories.audit(earlier, person_id=casefile_extract.person_id("T-E", i))
    programme = _create(
        council, tools, excluded_person_ids=["W000", "W001"], exclusion_reason="in a review"
    )
    services.programme_draw_sample(actor=qa, programme=programme, seed=5)
    programme.refresh_from_db()
    drawn = set(Audit.objects.filter(programme=programme).values_list("person_id", flat=True))
    assert not any(p.startswith("E") for p in drawn)
    assert not drawn & {"W000", "W001"}
    excluded = programme.exclusions["excluded"]
    assert len(excluded["audited in the last 12 months"]) == 12
    assert excluded["in a review"] == ["W000", "W001"]


def test_share_of_files_per_team_and_chosen_cohorts_and_teams(council, tools, snapshot):
    _auditors(council)
    programme = _create(
        council,
        tools,
        sample_mode=SampleMode.SHARE,
        sample_share=25,
        sample_count=None,
        cohorts=["cin", "cla"],
        teams=[council["teams"]["east"], council["teams"]["cic"]],
    )
    result = services.programme_draw_sample(
        actor=council["users"]["qa_lead"], programme=programme, seed=3
    )
    assert result.drawn == 6  # 25% of 12, in each of the two chosen teams
    programme.refresh_from_db()
    assert programme.exclusions["out_of_scope"] == 24


def test_adding_a_file_by_hand_needs_a_reason_which_is_kept(council, tools, snapshot):
    _auditors(council)
    qa = council["users"]["qa_lead"]
    programme = _create(council, tools)
    services.programme_draw_sample(actor=qa, programme=programme, seed=4)
    drawn = set(Audit.objects.filter(programme=programme).values_list("person_id", flat=True))
    person = next(
        casefile_extract.person_id("T-W", i)
        for i in range(12)
        if casefile_extract.person_id("T-W", i) not in drawn
    )
    with pytest.raises(services.AuditError, match="Say why"):
        services.programme_add_file(actor=qa, programme=programme, person_id=person, reason=" ")
    audit = services.programme_add_file(
        actor=qa, programme=programme, person_id=person, reason="Complaint from the family"
    )
    assert audit.selection == Selection.ADDED
    assert audit.added_reason == "Complaint from the family"
    assert audit.auditor is not None and audit.team == council["teams"]["west"]
    event = ChangeEvent.objects.get(action="audit_add_by_hand")
    assert event.changes["added_reason"] == [None, "Complaint from the family"]
    with pytest.raises(services.AuditError, match="already in this programme"):
        services.programme_add_file(actor=qa, programme=programme, person_id=person, reason="x")
    with pytest.raises(services.AuditError, match="no open case"):
        services.programme_add_file(actor=qa, programme=programme, person_id="NOPE", reason="x")


def test_without_open_cases_table_the_sample_comes_from_the_ssd_tables(council, tools, snapshot):
    import duckdb

    with duckdb.connect(str(snapshot.path)) as con:
        con.execute("DROP TABLE open_cases")
    cases, source = casefiles.open_cases(snapshot)
    assert source == casefiles.SOURCE_DERIVED
    rows = {(c.person_id, c.cohort, c.team_id, c.worker_id) for c in cases}
    assert ("E000", "cin", "T-E", "P-1") in rows
    assert ("C001", "cla", "T-C", "W-C1") in rows
    assert ("L002", "care_leaver", "T-L", "W-L1") in rows
    assert len({c.person_id for c in cases}) == 48


def test_no_snapshot_gives_a_clear_message(council, tools):
    programme = _create(council, tools)
    with pytest.raises(services.AuditError, match="import the data first"):
        services.programme_draw_sample(actor=council["users"]["qa_lead"], programme=programme)
