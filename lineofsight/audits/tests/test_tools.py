"""Audit tools are configuration: loaded from YAML, checked, and never changed once in use."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from lineofsight.audits import services, toolspec
from lineofsight.audits.models import AuditToolVersion, ToolQuestion

from . import factories

pytestmark = pytest.mark.django_db

SHIPPED = {"golden-threads", "recording", "assessment", "plan", "oversight-and-supervision"}


def test_the_shipped_tools_load_and_reload_without_change():
    first = services.audit_tools_load()
    assert {r.key for r in first} == SHIPPED
    assert {r.outcome for r in first} == {"created"}
    again = services.audit_tools_load()
    assert {r.outcome for r in again} == {"unchanged"}
    assert AuditToolVersion.objects.count() == 5


def test_golden_threads_has_the_six_threads_with_descriptors_for_every_grade():
    services.audit_tools_load()
    version = AuditToolVersion.objects.get(tool__key="golden-threads")
    titles = [s.title for s in version.sections.order_by("order")]
    assert titles == [
        "Assessment",
        "Plan",
        "Impact chronology",
        "Management oversight and supervision",
        "The child's voice",
        "Parents' and carers' engagement",
    ]
    for section in version.sections.all():
        assert set(section.descriptors) == {
            "outstanding",
            "good",
            "requires_improvement",
            "inadequate",
        }
        assert all(text.strip() for text in section.descriptors.values())
        assert section.questions.exists()
    values = [a["value"] for a in version.answer_scale]
    assert values == ["yes", "partly", "no", "not_applicable"]


def _tool_yaml(version: int = 1, question: str = "Is the child seen?") -> str:
    descriptors = "\n".join(
        f"      {g}: words for {g}"
        for g in ("outstanding", "good", "requires_improvement", "inadequate")
    )
    return f"""
key: local-tool
version: {version}
name: Local tool
answer_scale:
  - {{value: "yes", label: "Yes"}}
  - {{value: "no", label: "No", concern: true}}
overall_descriptors:
{descriptors.replace("      ", "  ")}
sections:
  - key: visits
    title: Visits
    descriptors:
{descriptors}
    questions:
      - key: seen
        text: {question}
"""


def test_a_tool_in_use_never_changes_and_a_new_version_is_loaded_beside_it(tmp_path: Path, council):
    path = tmp_path / "local.yml"
    path.write_text(_tool_yaml())
    services.audit_tools_load(paths=[path])
    v1 = AuditToolVersion.objects.get(tool__key="local-tool", version=1)
    factories.programme(council["users"]["qa_lead"], tool_version=v1)

    path.write_text(_tool_yaml(question="Is the child seen alone?"))
    with pytest.raises(toolspec.ToolSpecError, match="cannot change"):
        services.audit_tools_load(paths=[path])
    assert ToolQuestion.objects.get(section__tool_version=v1).text == "Is the child seen?"

    path.write_text(_tool_yaml(version=2, question="Is the child seen alone?"))
    services.audit_tools_load(paths=[path])
    assert ToolQuestion.objects.get(section__tool_version=v1).text == "Is the child seen?"
    v2 = AuditToolVersion.objects.get(tool__key="local-tool", version=2)
    assert ToolQuestion.objects.get(section__tool_version=v2).text == "Is the child seen alone?"


def test_a_tool_not_yet_used_may_be_corrected_in_place(tmp_path: Path):
    path = tmp_path / "local.yml"
    path.write_text(_tool_yaml())
    services.audit_tools_load(paths=[path])
    path.write_text(_tool_yaml(question="Has the child been seen?"))
    (result,) = services.audit_tools_load(paths=[path])
    assert result.outcome == "replaced"
    assert ToolQuestion.objects.get(section__tool_version__tool__key="local-tool").text == (
        "Has the child been seen?"
    )


def test_an_invalid_file_says_what_is_wrong_and_where_and_loads_nothing(tmp_path: Path):
    good = tmp_path / "a.yml"
    good.write_text(_tool_yaml())
    bad = tmp_path / "b.yml"
    bad.write_text(
        _tool_yaml()
        .replace("key: local-tool", "key: other")
        .replace('value: "no"', "value: no")
        .replace("      good: words for good\n", "")
    )
    with pytest.raises(toolspec.ToolSpecError) as caught:
        services.audit_tools_load(paths=[tmp_path])
    text = "; ".join(caught.value.problems)
    assert "b.yml" in text
    assert "answer_scale item 2" in text and "quoted" in text
    assert "section 1 (visits) descriptors: 'good' is missing" in text
    assert not AuditToolVersion.objects.exists()


def test_the_load_command_reports_each_tool_and_refuses_bad_files(tmp_path: Path):
    out = StringIO()
    call_command("load_audit_tools", stdout=out)
    assert "created  golden-threads version 1" in out.getvalue()
    (tmp_path / "broken.yml").write_text("key: [not a slug\n")
    with pytest.raises(CommandError, match="No tool was loaded"):
        call_command("load_audit_tools", str(tmp_path), stdout=StringIO())
    with pytest.raises(CommandError, match="Not found"):
        call_command("load_audit_tools", str(tmp_path / "missing.yml"), stdout=StringIO())


def test_nothing_in_a_new_audit_is_pre_filled(council):
    qa = council["users"]["qa_lead"]
    audit = factories.audit(factories.programme(qa), auditor=council["users"]["team_manager"])
    version = services.current_version(audit)
    assert not version.answers.exists()
    assert not version.section_grades.exists()
    assert version.overall_grade is None and version.impact == ""
