"""`lineofsight framework check` fails, saying where, when a link names nothing that exists."""

from __future__ import annotations

from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command

from lineofsight.framework import content

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("framework", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_framework_in_force_passes(council):
    out, _ = _run("check")
    assert "links name something that exists" in out


def test_a_file_with_broken_links_fails_naming_each(council, tmp_path):
    data = content.default().as_data()
    data["standards"][0]["links"]["indicators"].append("no_such_indicator")
    data["measures"][0]["links"] = {"staff_survey": ["q1"]}
    path = tmp_path / "framework.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CommandError, match="2 link"):
        _run("check", str(path))


def test_a_broken_draft_fails_the_check_and_adopting_a_broken_file_changes_nothing(
    council, tmp_path
):
    from lineofsight.framework import services
    from lineofsight.framework.models import FrameworkVersion

    qa = council["users"]["qa_lead"]
    draft = services.framework_draft_start(actor=qa)
    standard = dict(draft.content["standards"][0])
    standard["links"] = {"audit_questions": ["assessment.no-such-section"]}
    services.framework_item_save(
        actor=qa,
        draft=draft,
        expected_version=0,
        part="standards",
        key=standard["key"],
        values=standard,
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("framework", "check", stdout=StringIO(), stderr=err)
    assert "assessment.no-such-section" in err.getvalue()

    data = content.default().as_data()
    data["standards"][0]["links"]["themes"] = ["not-a-theme"]
    path = tmp_path / "framework.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(CommandError, match="not-a-theme"):
        _run("adopt", str(path))
    assert not FrameworkVersion.objects.exclude(status="draft").exists()
