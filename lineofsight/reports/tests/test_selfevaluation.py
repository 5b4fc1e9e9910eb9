"""The self-evaluation's services and documents: starting it with its evidence, editing an area
with the optimistic lock, signing off, a new version, and the same document every time."""

from __future__ import annotations

import datetime
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, SourceType
from lineofsight.feedback.models import Feedback
from lineofsight.history.models import ChangeEvent
from lineofsight.reports import selfevaluation_document as se_document
from lineofsight.reports import selfevaluation_evidence as se_evidence
from lineofsight.reports import selfevaluation_services as se
from lineofsight.reports.models import SelfEvaluation, SelfEvaluationStatus
from lineofsight.web import documents
from lineofsight.worklists.tests.snapshots import east_snapshot

YEAR_END = datetime.date(2024, 3, 31)  # the East snapshot is as at 28 June 2024
IN_YEAR = timezone.make_aware(datetime.datetime(2023, 10, 2, 10, 0))


def _feedback(council, *, kind: str, text: str, themes: list[str], consent: bool = True):
    return Feedback.objects.create(
        kind=kind,
        from_whom="child",
        received_on=datetime.date(2023, 11, 1),
        team=council["teams"]["east"],
        themes=themes,
        text=text,
        consent_to_share=consent,
        channel="in_person",
        created_by=council["users"]["qa_lead"],
    )


def _action(council, *, themes: list[str]) -> ImprovementAction:
    made = action_services.action_create(
        actor=council["users"]["qa_lead"],
        source_type=SourceType.SUPERVISION,
        source_id="1",
        team=council["teams"]["east"],
        issue="Plans drift.",
        action="Review every plan.",
        owner=council["users"]["qa_lead"],
        due_date=timezone.localdate() + timedelta(days=5),
    )
    ImprovementAction.objects.filter(pk=made.pk).update(themes=themes, created_at=IN_YEAR)
    return made


@pytest.fixture
def started(council) -> SelfEvaluation:
    return se.self_evaluation_create(
        actor=council["users"]["qa_lead"],
        title="Self-evaluation 2023 to 2024",
        year_end=YEAR_END,
        snapshot=east_snapshot(),
    )


def _docx(item: SelfEvaluation) -> bytes:
    return documents.render_docx(se_document.build(item))


def _save(item, actor, *, expected_version: int, area: str = "care_leavers", **text: str):
    return se.self_evaluation_update_area(
        actor=actor,
        item=item,
        area=area,
        expected_version=expected_version,
        **{"what_we_know": "", "how_we_know": "", "what_next": "", **text},
    )


# -- starting it --------------------------------------------------------------------------------


def test_every_indicator_id_in_the_areas_is_in_the_catalogue() -> None:
    from lineofsight.indicators import catalogue

    known = {i.id for i in catalogue.catalogue()}
    for area in se_evidence.AREAS:
        assert set(area.indicators) <= known, area.key
    assert {a.key for a in se_evidence.AREAS} == {
        "help_and_protection",
        "children_in_care",
        "care_leavers",
        "leadership_and_management",
        "the_workforce",
    }


def test_starting_keeps_the_evidence_per_area_and_drafts_each_answer(council) -> None:
    _feedback(council, kind="compliment", text="My worker listens.", themes=["care-leavers"])
    _feedback(council, kind="complaint", text="Private words.", themes=["care-leavers"], consent=0)
    item = se.self_evaluation_create(
        actor=council["users"]["senior_leader"],
        title="SEF",
        year_end=YEAR_END,
        snapshot=east_snapshot(),
    )

    assert item.number == 1 and item.status == SelfEvaluationStatus.DRAFT
    areas = item.frozen_evidence["areas"]
    assert list(areas) == list(se_evidence.AREA_KEYS)
    # Indicators of the area only, from the fixed mapping, with England and target columns.
    workforce = [line["id"] for line in areas["the_workforce"]["indicators"]]
    assert "caseload_mean" in workforce and "cla_per_10k" not in workforce
    assert {"england", "target", "rag_text"} <= set(areas["the_workforce"]["indicators"][0])
    assert "Sickness absence" in areas["the_workforce"]["not_measured"]
    # Two feedback records: a small count reads "fewer than 5"; only shared words are quoted.
    leavers = areas["care_leavers"]["feedback"]
    assert leavers["total"] == "fewer than 5"
    assert any("My worker listens." in q for q in leavers["quotes"])
    assert not any("Private words." in q for q in leavers["quotes"])
    assert areas["help_and_protection"]["feedback"]["any"] is False
    # A first draft of every answer, from the evidence, never empty.
    for key in se_evidence.AREA_KEYS:
        assert set(item.answers[key]) == set(se_evidence.ANSWER_KEYS)
        assert all(item.answers[key].values())
    assert "Feedback on these themes: fewer than 5" in item.answers["care_leavers"]["what_we_know"]
    assert "not measured" in item.answers["the_workforce"]["how_we_know"].lower()
    event = ChangeEvent.objects.get(object_id=str(item.pk), action="self_evaluation_create")
    assert event.actor == council["users"]["senior_leader"]


def test_only_writers_start_and_the_year_must_fit_the_case_data(council) -> None:
    from django.core.exceptions import PermissionDenied

    snapshot = east_snapshot()
    with pytest.raises(PermissionDenied):
        se.self_evaluation_create(
            actor=council["users"]["team_manager"], title="x", year_end=YEAR_END, snapshot=snapshot
        )
    with pytest.raises(se.SelfEvaluationError, match="31 March"):
        se.self_evaluation_create(
            actor=council["users"]["qa_lead"],
            title="x",
            year_end=datetime.date(2025, 3, 31),
            snapshot=snapshot,
        )


def test_improvement_actions_count_whether_they_made_a_difference(council) -> None:
    done = _action(council, themes=["workforce-and-wellbeing"])
    _action(council, themes=["workforce-and-wellbeing"])
    ImprovementAction.objects.filter(pk=done.pk).update(
        status="done", closed_at=IN_YEAR, recheck_result="improved", rechecked_at=IN_YEAR
    )
    item = se.self_evaluation_create(
        actor=council["users"]["qa_lead"], title="SEF", year_end=YEAR_END, snapshot=east_snapshot()
    )
    actions = item.frozen_evidence["areas"]["the_workforce"]["actions"]
    assert actions["any"] and actions["raised"] == "fewer than 5"
    assert actions["improved"] == "fewer than 5" and actions["not_improved"] == "0"
    assert item.frozen_evidence["areas"]["care_leavers"]["actions"]["any"] is False


# -- editing, signing off, versions ---------------------------------------------------------------


def test_an_area_is_saved_and_a_stale_edit_is_refused(started, council) -> None:
    qa, senior = council["users"]["qa_lead"], council["users"]["senior_leader"]
    saved = _save(started, senior, expected_version=1, what_we_know="Most leavers in touch.")
    assert saved.version == 2
    assert saved.answers["care_leavers"]["what_we_know"] == "Most leavers in touch."
    # Other areas keep their draft.
    assert saved.answers["the_workforce"] == started.answers["the_workforce"]
    with pytest.raises(se.SelfEvaluationChangedMeanwhile, match="after you opened it"):
        _save(started, qa, expected_version=1, what_we_know="Overwriting.")
    started.refresh_from_db()
    assert started.answers["care_leavers"]["what_we_know"] == "Most leavers in touch."
    assert (
        ChangeEvent.objects.filter(
            object_id=str(started.pk), action="self_evaluation_update_area"
        ).count()
        == 1
    )


def test_sign_off_locks_the_version(started, council) -> None:
    qa, senior = council["users"]["qa_lead"], council["users"]["senior_leader"]
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):  # a QA lead writes it; a senior leader signs it off
        se.self_evaluation_sign_off(actor=qa, item=started, expected_version=1)
    with pytest.raises(se.SelfEvaluationChangedMeanwhile):
        se.self_evaluation_sign_off(actor=senior, item=started, expected_version=7)

    signed = se.self_evaluation_sign_off(actor=senior, item=started, expected_version=1)
    assert signed.is_signed_off and signed.signed_off_by == senior
    with pytest.raises(se.SelfEvaluationError, match="signed off"):
        _save(signed, qa, expected_version=signed.version, what_we_know="Too late.")
    with pytest.raises(se.SelfEvaluationError, match="signed off"):
        se.self_evaluation_sign_off(actor=senior, item=signed, expected_version=signed.version)
    signed.refresh_from_db()
    assert signed.answers == started.answers
    assert ChangeEvent.objects.filter(
        object_id=str(started.pk), action="self_evaluation_sign_off"
    ).exists()


def test_a_new_version_copies_the_signed_off_text(started, council) -> None:
    qa, senior = council["users"]["qa_lead"], council["users"]["senior_leader"]
    with pytest.raises(se.SelfEvaluationError, match="still a draft"):
        se.self_evaluation_new_version(actor=qa, item=started)
    edited = _save(started, qa, expected_version=1, what_next="Ask every leader.")
    signed = se.self_evaluation_sign_off(actor=senior, item=edited, expected_version=2)

    second = se.self_evaluation_new_version(actor=qa, item=signed)

    assert second.number == 2 and second.previous == signed and not second.is_signed_off
    assert second.answers == signed.answers
    assert second.answers["care_leavers"]["what_next"] == "Ask every leader."
    assert second.frozen_evidence == signed.frozen_evidence
    with pytest.raises(se.SelfEvaluationError, match="already been started"):
        se.self_evaluation_new_version(actor=qa, item=signed)
    # The new draft is editable; the signed-off one is not changed by it.
    _save(second, qa, expected_version=1, what_next="Changed in version 2.")
    signed.refresh_from_db()
    assert signed.answers["care_leavers"]["what_next"] == "Ask every leader."
    assert ChangeEvent.objects.filter(
        object_id=str(second.pk), action="self_evaluation_new_version"
    ).exists()


# -- the documents --------------------------------------------------------------------------------


def test_the_word_document_holds_every_area_and_question(started) -> None:
    data = _docx(started)
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for a in se_evidence.AREAS:
        assert a.title in headings
    for _, question, _ in se_document.QUESTIONS:
        assert headings.count(question) == len(se_evidence.AREAS)
    text = documents.docx_text(data)
    assert "Produced from the case data as at 28 June 2024" in text
    assert "Version 1, draft: not signed off yet." in text
    assert "Sickness absence" in text
    assert documents.render_pdf(se_document.build(started)).startswith(b"%PDF")


def test_downloading_again_after_records_change_gives_the_same_document(started, council) -> None:
    first_docx = _docx(started)
    first_pdf = documents.render_pdf(se_document.build(started))
    before = started.frozen_evidence["areas"]["care_leavers"]["feedback"]["total"]

    # Records change after the self-evaluation was started: new feedback and a new action.
    for n in range(6):
        _feedback(council, kind="compliment", text=f"Thanks {n}.", themes=["care-leavers"])
    _action(council, themes=["care-leavers"])
    fresh = se_evidence.gather(
        actor=council["users"]["qa_lead"],
        snapshot=started.snapshot,
        year_end=YEAR_END,
        at=timezone.now(),
    )
    assert fresh["areas"]["care_leavers"]["feedback"]["total"] == "6"  # they would count now

    started = SelfEvaluation.objects.get(pk=started.pk)
    assert started.frozen_evidence["areas"]["care_leavers"]["feedback"]["total"] == before
    assert _docx(started) == first_docx
    assert documents.render_pdf(se_document.build(started)) == first_pdf


def test_audit_questions_go_to_the_areas_their_themes_bear_on(council) -> None:
    from lineofsight.audits.grades import Grade
    from lineofsight.audits.models import Audit, AuditVersion
    from lineofsight.audits.tests import factories

    qa, manager = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa, name="Golden threads")
    for i in range(10):
        audit = factories.audit(
            programme, person_id=f"W{i:03}", team=council["teams"]["west"], auditor=manager
        )
        factories.submit(
            audit,
            manager,
            grade=Grade.GOOD if i < 7 else Grade.REQUIRES_IMPROVEMENT,
            answer="yes" if i < 7 else "no",
        )
    Audit.objects.update(first_submitted_at=IN_YEAR)
    AuditVersion.objects.filter(submitted_at__isnull=False).update(submitted_at=IN_YEAR)

    item = se.self_evaluation_create(
        actor=qa, title="SEF", year_end=YEAR_END, snapshot=east_snapshot()
    )
    areas = item.frozen_evidence["areas"]
    questions = areas["help_and_protection"]["audit_questions"]
    assert questions and all(q["concerns"] == "fewer than 5" for q in questions)
    assert all(q["answered"] == "10" for q in questions)
    # Care leavers' theme names no audit question, so none is put there.
    assert areas["care_leavers"]["audit_questions"] == []
    assert item.frozen_evidence["audits"]["completed"] == "10"
    assert item.frozen_evidence["audits"]["good_or_better"] == "70.0%"
    assert "answered with a concern" in item.answers["help_and_protection"]["what_we_know"]
    text = documents.docx_text(_docx(item))
    assert "Case-file audits across the council: 10 completed in the year" in text
