"""Blind moderation is blind everywhere: until the moderator has submitted their own grade, no
page, list, export, report or download they can open shows the first auditor's grade or answers
for that audit. After they have graded, they see both.

The walk renders every URL of the audits, actions, themes and concerns apps (their names are
read from the URL configuration, so a new page is walked too, or this test fails until it is
given arguments), the home page, the access log and the indicators built on audits, as the
moderator, and reads every download (CSV, XLSX, DOCX) as text. Two checks:

- the auditor's distinctive answer text, reasons and grade appear nowhere before grading;
- nothing the moderator sees depends on the auditor's work: changing the auditor's grade and
  answers underneath changes no page or download (so no count, share or "why chosen" leaks it).
Then, after the moderator grades, the answer text and the grade are shown.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from docx import Document
from openpyxl import load_workbook

from lineofsight.accounts.models import Role
from lineofsight.actions.models import SourceType
from lineofsight.audits import services
from lineofsight.audits.grades import Grade
from lineofsight.audits.models import (
    Answer,
    Audit,
    AuditVersion,
    Moderation,
    ModerationReason,
    SectionGrade,
)
from lineofsight.concerns import services as concern_services
from lineofsight.framework import vocabulary

from . import factories

pytestmark = pytest.mark.django_db

EVIDENCE = "Evidence-ZEBRA-4711"
RATIONALE = "Rationale-QUOKKA-2203"
SECTION_NOTE = "SectionNote-OKAPI-9913"
OTHER_EVIDENCE = "Evidence-NARWHAL-1208"

NAMESPACES = ("audits", "actions", "themes", "concerns")
OTHERS = (
    "home:home",
    "accounts:access_log",
    "accounts:access_log_export",
    "indicators:board",
    "indicators:detail",
    "indicators:children",
    "indicators:children_export",
)
RECORDS_INDICATORS = ("audits_good_or_better_pct", "moderation_agreement_pct")
# Pages that list the moderator's own visits: they change with every page the walk opens.
GROWS_AS_WALKED = {"accounts:access_log", "accounts:access_log_export"}


def _names_and_params() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                found[name] = list(p.pattern.converters)

    walk(get_resolver().url_patterns)
    return found


def _url_kwargs(name: str, params: list[str], objs: dict) -> list[dict]:
    """Every set of arguments the walk opens a URL with; [] if it does not know the URL."""
    if not params:
        return [{}]
    app, short = name.split(":")
    if app == "audits":
        if short == "audit_version":
            return [{"pk": objs["audit"].pk, "number": 1}]
        if short.startswith("programme"):
            return [{"pk": objs["programme"].pk}]
        if short.startswith("tool"):
            return [{"pk": objs["audit"].programme.tool_version_id}]
        if short.startswith("moderation"):
            return [{"pk": objs["moderation"].pk}]
        if params == ["pk"]:
            return [{"pk": objs["audit"].pk}]
    if name == "actions:detail":
        return [{"pk": objs["action"].pk}]
    if name in ("actions:plan", "actions:plan_csv"):
        return [{"source_type": SourceType.AUDIT, "source_id": str(objs["audit"].pk)}]
    if name == "themes:detail":
        return [{"key": t.key} for t in vocabulary.themes()]
    if name == "concerns:detail":
        return [{"pk": objs["concern"].pk}]
    if name == "concerns:raise":
        return [{"source_type": "audit", "source_id": str(objs["audit"].pk)}]
    if app == "indicators" and params == ["indicator_id"]:
        return [{"indicator_id": i} for i in RECORDS_INDICATORS]
    return []


def _text(response) -> str:
    """What a person would read in the response: the page, or the download's contents."""
    kind = response.get("Content-Type", "")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body))
        return "\n".join(
            "\t".join("" if v is None else str(v) for v in row)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    if "wordprocessingml" in kind:
        doc = Document(io.BytesIO(body))
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join(parts)
    if "pdf" in kind or (body[:2] == b"PK" and zipfile.is_zipfile(io.BytesIO(body))):
        raise AssertionError(f"The walk cannot read {kind}: teach _text to")
    return body.decode("utf-8")


def _normalise(text: str) -> str:
    """Leave out what changes between two renders of the same page: form tokens, nonces and
    times of day."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)
    text = re.sub(r'nonce="[^"]*"', "", text)
    text = re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", "HH:MM", text)
    return text


def _walk(client, objs: dict) -> dict[str, str]:
    pages: dict[str, str] = {}
    unknown = []
    names = _names_and_params()
    wanted = [n for n in names if n.split(":")[0] in NAMESPACES] + [n for n in OTHERS if n in names]
    for name in wanted:
        arg_sets = _url_kwargs(name, names[name], objs)
        if not arg_sets:
            unknown.append(name)
        for kwargs in arg_sets:
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            if response.status_code in (200, 400):  # 400: a form that needs more to go on
                pages[url] = (name, _text(response))
            else:
                assert response.status_code in (302, 403, 404, 405), (url, response.status_code)
    assert not unknown, f"The walk does not know how to open {unknown}: add them to _url_kwargs"
    return pages


@pytest.fixture
def blind(council, snapshot):
    """A West file audited (Outstanding, with distinctive evidence) by the East team manager,
    with an action and a concern raised from it, chosen for moderation by the QA lead."""
    users = council["users"]
    auditor, qa = users["team_manager"], users["qa_lead"]
    programme = factories.programme(qa)
    audit = factories.audit(
        programme, person_id="W101", team=council["teams"]["west"], auditor=auditor
    )
    # Four more in the programme, so the report has figures to show either way.
    for i in range(4):
        other = factories.audit(
            programme, person_id=f"W2{i:02d}", team=council["teams"]["west"], auditor=auditor
        )
        factories.submit(other, auditor, grade=Grade.GOOD)
    inputs = factories.complete_inputs(audit, grade=Grade.OUTSTANDING)
    for key, answer in inputs["answers"].items():
        inputs["answers"][key] = services.AnswerInput(answer.value, EVIDENCE)
    for key, section in inputs["sections"].items():
        inputs["sections"][key] = services.SectionInput(section.grade, SECTION_NOTE)
    inputs["overall_rationale"] = RATIONALE
    version = services.current_version(audit)
    services.audit_save(
        actor=auditor, audit=audit, token=services.edit_token(version), submit=True, **inputs
    )
    audit.refresh_from_db()
    moderation = factories.moderation(
        audit,
        factories.draw(programme, qa, rate=100, considered=5, always_included=1),
        qa,
        reason=ModerationReason.EXTREME_GRADE,
        auditor=auditor,
        auditor_grade=Grade.OUTSTANDING,
    )
    action = factories.audit_action(audit, auditor, users["practitioner"], due_date=audit.due_date)
    concern = concern_services.concern_raise(
        actor=auditor, source_type="audit", source_id=str(audit.pk), description="Bruising seen."
    )
    return {
        "programme": programme,
        "audit": audit,
        "moderation": moderation,
        "action": action,
        "concern": concern,
    }


def _change_the_auditors_work(audit: Audit) -> None:
    """Another grade and other answers underneath, as if the auditor had judged differently."""
    Audit.objects.filter(pk=audit.pk).update(overall_grade=Grade.GOOD, final_grade=Grade.GOOD)
    AuditVersion.objects.filter(audit=audit).update(overall_grade=Grade.GOOD, impact="negative")
    SectionGrade.objects.filter(version__audit=audit).update(grade=Grade.GOOD)
    Answer.objects.filter(version__audit=audit).update(value="no", evidence=OTHER_EVIDENCE)
    Moderation.objects.filter(audit=audit).update(
        auditor_grade=Grade.GOOD, reason=ModerationReason.SAMPLED
    )


def test_nothing_the_moderator_can_open_shows_the_auditors_work_until_they_grade(
    blind, client_for, council
):
    assert council["users"]["qa_lead"].role == Role.QA_LEAD
    moderator = client_for("qa_lead")
    before = _walk(moderator, blind)
    # The walk reached the pages that matter, and the moderator could open them.
    opened = {name for name, _ in before.values()}
    for name in (
        "audits:audit_detail",
        "audits:audit_version",
        "audits:moderation_detail",
        "audits:programme_moderation",
        "audits:programme_report",
        "audits:programme_report_csv",
        "audits:programme_report_xlsx",
        "audits:programme_report_docx",
        "audits:my_audits",
        "actions:detail",
        "themes:detail",
        "concerns:detail",
        "indicators:children",
        "home:home",
    ):
        assert name in opened, f"{name} was not opened by the moderator"
    for url, (name, text) in before.items():
        for secret in (EVIDENCE, RATIONALE, SECTION_NOTE):
            assert secret not in text, f"{name} ({url}) shows the auditor's {secret}"
        assert 'govuk-tag--green">Outstanding' not in text, f"{name} ({url}) shows the grade"
        assert "Graded Outstanding or Inadequate" not in text, f"{name} ({url}) says why"

    report = next(text for name, text in before.values() if name == "audits:programme_report")
    assert "It leaves out the audits you are moderating" in report

    _change_the_auditors_work(blind["audit"])
    changed = _walk(moderator, blind)
    assert set(changed) == set(before)
    for url, (name, text) in before.items():
        if name in GROWS_AS_WALKED:
            continue
        assert _normalise(changed[url][1]) == _normalise(text), (
            f"{name} ({url}) changes with the auditor's grade or answers"
        )


def test_once_the_moderator_has_graded_they_see_the_auditors_work(blind, client_for):
    moderator = client_for("qa_lead")
    moderation = blind["moderation"]
    url = reverse("audits:moderation_detail", args=[moderation.pk])
    page = moderator.get(url).content.decode()
    structure = list(blind["audit"].programme.tool_version.sections.order_by("order"))
    data = {"form": "grade", "grade-grade": Grade.GOOD, "grade-rationale": "My own view."}
    for section in structure:
        data[f"grade-s{section.pk}"] = Grade.GOOD
    assert EVIDENCE not in page
    response = moderator.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    after = _walk(moderator, blind)
    by_name: dict[str, str] = {}
    for name, text in after.values():
        by_name[name] = by_name.get(name, "") + text
    for name in ("audits:moderation_detail", "audits:audit_detail", "audits:audit_version"):
        assert EVIDENCE in by_name[name], name
    assert RATIONALE in by_name["audits:moderation_detail"]
    assert "<strong>Outstanding</strong>" in by_name["audits:moderation_detail"]
    assert 'govuk-tag--green">Outstanding' in by_name["audits:audit_detail"]
    assert ">Outstanding</td>" in by_name["audits:programme_moderation"]
    assert "Graded Outstanding or Inadequate" in by_name["audits:programme_moderation"]


def test_another_qa_lead_who_is_not_the_moderator_sees_the_auditors_work(
    blind, client_for, council
):
    """The rule is about the moderator, not the role: the auditor and QA leads still see it."""
    auditor = client_for("team_manager")
    page = auditor.get(reverse("audits:audit_detail", args=[blind["audit"].pk])).content.decode()
    assert EVIDENCE in page and 'govuk-tag--green">Outstanding' in page


def test_the_children_behind_the_audit_indicator_leave_out_the_audit_until_graded(
    blind, client_for
):
    """The list of children behind "audits graded Good or better" names each audit's grade."""
    import datetime

    from django.utils import timezone

    as_at = datetime.datetime(2023, 9, 1, 12, tzinfo=datetime.UTC)  # year to 31 March 2024
    Audit.objects.filter(programme=blind["programme"]).update(first_submitted_at=as_at)
    url = reverse("indicators:children", kwargs={"indicator_id": "audits_good_or_better_pct"})
    moderator, manager = client_for("qa_lead"), client_for("service_manager")
    assert "W200" in manager.get(url).content.decode()  # the period does hold the audits
    assert "W101" in manager.get(url).content.decode()  # and the manager is not blind
    page = moderator.get(url).content.decode()
    assert "W200" in page and "W101" not in page and "graded Outstanding" not in page
    Moderation.objects.filter(pk=blind["moderation"].pk).update(
        status="graded", moderator_grade=Grade.GOOD, graded_at=timezone.now()
    )
    page = moderator.get(url).content.decode()
    assert "W101" in page and "graded Outstanding" in page
