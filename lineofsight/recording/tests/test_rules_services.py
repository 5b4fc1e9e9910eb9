"""The one service that changes the council's recording rules: it checks the lists and says
where a problem is, changes nothing on a refusal, keeps the history and refuses a save over
someone else's newer change. And the rules in force, as the checker gets them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from lineofsight.history.models import ChangeEvent
from lineofsight.recording import checker
from lineofsight.recording.models import RecordingRules
from lineofsight.recording.selectors import rules as selectors
from lineofsight.recording.services import rules as services

pytestmark = pytest.mark.django_db


def _qa(council):
    return council["users"]["qa_lead"]


def _history():
    return ChangeEvent.objects.filter(object_type="recording.recordingrules")


def test_nothing_saved_means_the_default_rules(council):
    assert selectors.rules_in_force() is checker.Rules.default()
    assert selectors.rules_record().version == 0


def test_a_saved_change_is_in_force_and_kept_in_the_history(council):
    saved = services.rules_term_save(
        actor=_qa(council),
        expected_version=0,
        position=None,
        term="problem family",
        variants="problem famil*",
        not_when="",
        preferred="the family's name, and what is hard for them",
        reason="It blames a whole family.",
        legal=False,
    )
    assert saved.version == 1 and saved.updated_by == _qa(council)
    rules = selectors.rules_in_force()
    assert rules.version == "council-1"
    assert rules is selectors.rules_in_force()  # compiled once per version
    found = checker.check("The problem families were seen.", rules=rules).of_rule(
        "discouraged-term"
    )
    assert [f.text for f in found] == ["problem families"]
    (event,) = _history()
    assert event.actor == _qa(council) and event.action == "recording_rules_term_add"
    before, after = event.changes["terms"]
    assert set(after) - set(before) == {
        "problem family → the family's name, and what is hard for them (also problem famil*)"
    }
    lines = selectors.rules_history()[0].lines
    assert lines == [
        "Term added: problem family → the family's name, and what is hard for them "
        "(also problem famil*)"
    ]


def test_a_refusal_says_what_and_where_and_changes_nothing(council):
    data = checker.Rules.default().as_data()
    data["terms"][1]["preferred"] = ""
    name = data["terms"][1]["term"]
    data["allowed_acronyms"].append("N H S")
    with pytest.raises(services.RulesError) as refused:
        services.recording_rules_update(actor=_qa(council), data=data, expected_version=0)
    message = str(refused.value)
    assert f"Term 2 ({name}): say what to write instead." in message
    assert "Allowed acronym" in message and "“N H S”" in message
    assert not RecordingRules.objects.exists()
    assert not _history().exists()
    assert selectors.rules_in_force() is checker.Rules.default()


def test_a_term_listed_twice_is_refused(council):
    first = checker.Rules.default().as_data()["terms"][0]
    with pytest.raises(services.RulesError, match=r"this term is listed twice"):
        services.rules_term_save(
            actor=_qa(council),
            expected_version=0,
            position=None,
            term=first["term"],
            variants="",
            not_when="",
            preferred="something else",
            reason="Twice.",
            legal=False,
        )
    assert not _history().exists()


def test_a_save_over_a_newer_change_is_refused_and_changes_nothing(council):
    services.rules_switch(actor=_qa(council), expected_version=0, rule="passive-voice", on=False)
    with pytest.raises(services.RulesChangedMeanwhile) as refused:
        # Loaded before the switch above: version 0.
        services.rules_acronyms_set(actor=_qa(council), expected_version=0, acronyms="GP\nNHS")
    assert refused.value.current.version == 1
    assert refused.value.saved_by == _qa(council)
    row = RecordingRules.objects.get()
    assert row.version == 1 and row.data["switched_off"] == ["passive-voice"]
    assert row.data["allowed_acronyms"] != ["GP", "NHS"]
    assert _history().count() == 1
    assert not selectors.rules_in_force().is_on("passive-voice")


def test_switching_a_rule_on_again_is_said_in_the_history(council):
    services.rules_switch(actor=_qa(council), expected_version=0, rule="passive-voice", on=False)
    services.rules_switch(actor=_qa(council), expected_version=1, rule="passive-voice", on=True)
    newest, oldest = selectors.rules_history()
    assert oldest.lines == ["Rule switched off: Passive voice where who acted matters"]
    assert newest.lines == ["Rule switched on: Passive voice where who acted matters"]


def test_an_unknown_rule_cannot_be_switched(council):
    with pytest.raises(services.RulesError, match="no rule called"):
        services.rules_switch(actor=_qa(council), expected_version=0, rule="nope", on=False)


def test_changing_and_removing_a_term(council):
    qa = _qa(council)
    first = checker.Rules.default().as_data()["terms"][0]
    services.rules_term_save(
        actor=qa,
        expected_version=0,
        position=1,
        term=first["term"],
        variants="\n".join(first["variants"]),
        not_when="",
        preferred="say what happened",
        reason="Changed.",
        legal=True,
    )
    term = selectors.rules_in_force().terms[0]
    assert term.preferred == "say what happened" and term.legal and term.not_when == ()
    assert selectors.rules_history()[0].lines[0].startswith(f"Term changed: {first['term']} →")
    count = len(selectors.rules_in_force().terms)
    services.rules_term_remove(actor=qa, expected_version=1, position=1)
    assert len(selectors.rules_in_force().terms) == count - 1
    assert selectors.rules_history()[0].lines[0].startswith(f"Term removed: {first['term']} →")


def test_only_the_rules_role_may_change_the_rules(council):
    with pytest.raises(PermissionDenied):
        services.rules_switch(
            actor=council["users"]["team_manager"],
            expected_version=0,
            rule="passive-voice",
            on=False,
        )
    assert not RecordingRules.objects.exists()


def test_a_term_removed_meanwhile_is_a_conflict_and_a_missing_one_an_error(council):
    qa = _qa(council)
    count = len(checker.Rules.default().terms)
    with pytest.raises(services.RulesError, match=f"There is no term {count + 1}"):
        services.rules_term_remove(actor=qa, expected_version=0, position=count + 1)
    services.rules_term_remove(actor=qa, expected_version=0, position=count)
    with pytest.raises(services.RulesChangedMeanwhile):
        services.rules_term_remove(actor=qa, expected_version=0, position=count)
    assert len(selectors.rules_in_force().terms) == count - 1
