"""The committee report: its documents, its reproducibility, its pages and who may use them."""

from __future__ import annotations

import datetime
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from lineofsight.actions import services as action_services
from lineofsight.actions.models import SourceType
from lineofsight.audits.grades import Grade
from lineofsight.audits.models import Audit, AuditVersion
from lineofsight.audits.tests import factories
from lineofsight.casework.models import Snapshot
from lineofsight.history.models import ChangeEvent
from lineofsight.indicators import catalogue, engine, presentation
from lineofsight.indicators.types import IndicatorValue, Source, Unit
from lineofsight.reports import document
from lineofsight.reports import figures as report_figures
from lineofsight.reports import services as report_services
from lineofsight.reports.models import CommitteeReport
from lineofsight.web import charts, documents
from lineofsight.worklists.tests.snapshots import east_snapshot

PERIOD_END = datetime.date(2024, 3, 31)  # the East snapshot is as at 28 June 2024
SECTION_TITLES = [title for _, title, _ in document.SECTIONS]


@pytest.fixture
def committee(council) -> CommitteeReport:
    snapshot = east_snapshot()
    made = report_services.report_create(
        actor=council["users"]["qa_lead"],
        title="Quality of practice 2023 to 2024",
        period_end=PERIOD_END,
        snapshot=snapshot,
    )
    return _save_text(
        made,
        council["users"]["qa_lead"],
        expected_version=1,
        what_we_know="Visits are more often on time.\n\nPlans drift after nine months.",
        what_next="Review every plan open nine months.",
    )


def _save_text(report, actor, *, expected_version: int, **text: str) -> CommitteeReport:
    """Save the report's words as `actor`, its title kept; a section `text` leaves out is empty."""
    return report_services.report_update_text(
        actor=actor,
        report=report,
        expected_version=expected_version,
        title=report.title,
        **{"what_we_know": "", "how_we_know": "", "what_next": "", **text},
    )


def _docx(committee: CommitteeReport) -> bytes:
    return documents.render_docx(document.build_report(committee))


# -- the documents ------------------------------------------------------------------------------


def test_docx_opens_and_holds_every_section_and_the_snapshot_line(committee) -> None:
    data = _docx(committee)

    doc = Document(io.BytesIO(data))  # python-docx reads it back
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for title in [
        *SECTION_TITLES,
        "Indicators",
        "Case-file audits",
        "Drift and delay",
        "Group reflective supervision",
        "Improvement actions",
        "Appendix: definitions",
    ]:
        assert title in headings
    # The author's sections come before the figures.
    assert headings.index(SECTION_TITLES[-1]) < headings.index("Indicators")
    text = documents.docx_text(data)
    snapshot = committee.snapshot
    imported = timezone.localtime(snapshot.created_at).date()
    assert (
        "Produced from the case data as at 28 June 2024, taken from the case management "
        f"system on {imported.day} {imported:%B %Y}." in text
    )
    assert "Quality of practice, 1 April 2023 to 31 March 2024" in text
    # Written text is there, paragraph by paragraph; an empty section keeps its prompt.
    assert "Visits are more often on time." in text
    assert "Plans drift after nine months." in text
    assert "Review every plan open nine months." in text
    assert document.SECTIONS[1][2] in text and "[Write here]" in text


def test_the_same_snapshot_gives_the_same_figures_and_bytes(committee, council) -> None:
    first_docx = _docx(committee)
    first_pdf = documents.render_pdf(document.build_report(committee))

    # Records written after the snapshot was imported are not counted.
    action_services.action_create(
        actor=council["users"]["team_manager"],
        source_type=SourceType.SUPERVISION,
        source_id="1",
        person_id="E1",
        team=council["teams"]["east"],
        issue="Plan drifting.",
        action="Hold a review.",
        owner=council["users"]["practitioner"],
        due_date=timezone.localdate() + timedelta(days=5),
    )
    again_docx = _docx(committee)
    again_pdf = documents.render_pdf(document.build_report(committee))

    assert documents.docx_text(again_docx) == documents.docx_text(first_docx)
    assert again_docx == first_docx
    assert first_pdf.startswith(b"%PDF")
    assert again_pdf == first_pdf


def test_drift_counts_of_1_to_4_read_fewer_than_5(committee) -> None:
    figures = report_figures.figures(committee)
    assert figures.drift.available
    lines = {line.id: line for line in figures.drift.lines}
    # The East snapshot has two children with a plan open 9 months, none unallocated for long.
    assert lines["cp_plan_9m"].count == "fewer than 5"
    assert lines["cp_plan_9m"].bar is None
    assert lines["cp_plan_24m"].count == "0"
    assert figures.drift.open_children == "7"
    # 6 of the 7 children have a flag: neither number is 1 to 4, so the share is shown.
    assert figures.drift.flagged_share == "85.7%"


def test_audits_in_the_period_as_graded_at_the_cut_off(committee, council) -> None:
    qa, manager = council["users"]["qa_lead"], council["users"]["team_manager"]
    programme = factories.programme(qa, name="Spring audits")
    for i in range(10):
        item = factories.audit(
            programme, person_id=f"W{i:03}", team=council["teams"]["west"], auditor=manager
        )
        grade = Grade.GOOD if i < 7 else Grade.REQUIRES_IMPROVEMENT
        factories.submit(item, manager, grade=grade, answer="yes" if i < 7 else "no")
    in_period = timezone.make_aware(datetime.datetime(2023, 10, 2, 10, 0))
    Audit.objects.update(first_submitted_at=in_period)
    AuditVersion.objects.filter(submitted_at__isnull=False).update(submitted_at=in_period)
    # The report was started before those audits: they count once the records are counted again.
    assert report_figures.figures(committee).audits.completed == 0
    committee = report_services.report_figures_count(
        actor=qa, report=committee, expected_version=committee.version
    )

    audits = report_figures.figures(committee).audits

    assert audits.completed == 10
    assert audits.programmes == ["Spring audits"]
    grades = {label: text for label, text, _ in audits.grades}
    assert grades["Good"] == "7"
    assert grades["Requires improvement"] == "fewer than 5"
    assert audits.good_or_better == "70.0%"
    # The count and its share in separate columns; a hidden count hides its share.
    rows = {label: (text, share) for label, text, share in audits.grade_rows}
    assert rows["Good"] == ("7", "70.0%")
    assert rows["Requires improvement"] == ("fewer than 5", "–")
    assert audits.themes and audits.themes[0].concerns == "fewer than 5"
    text = documents.docx_text(_docx(committee))
    assert "Graded good or better: 70.0%." in text


def _values(period_end: datetime.date, ids=None) -> list[IndicatorValue]:
    """Made-up values for every catalogue indicator: the key ones with data, one of them from
    fewer than 5 children, and one with no data."""
    start = report_figures.period_start(period_end)
    values = []
    for n, ind in enumerate(catalogue.catalogue()):
        if ids is not None and ind.id not in ids:
            continue
        if ind.id == "rereferral_12m_pct":
            values.append(IndicatorValue(ind, start, period_end, 75.0, 3, 4))
        elif ind.id == "nfa_pct":
            values.append(IndicatorValue(ind, start, period_end, None, None, None, "No referrals."))
        elif ind.unit is Unit.PERCENT:
            value = 40.0 + n + period_end.month
            values.append(IndicatorValue(ind, start, period_end, value, value * 2, 200))
        else:
            values.append(IndicatorValue(ind, start, period_end, 120.0 + n, 120.0 + n, None))
    return values


@pytest.fixture
def computed(monkeypatch):
    def compute(*, snapshot, period_end, team_ids=None, ids=None):
        return _values(period_end, ids)

    def trend(*, snapshot, period_end, months=12, team_ids=None, ids=None):
        ends = [period_end]
        for _ in range(months - 1):
            first = ends[-1].replace(day=1)
            ends.append(first - timedelta(days=1))
        series: dict[str, list[IndicatorValue]] = {}
        for end in reversed(ends):
            for value in _values(end, ids):
                if end.month == 8 and value.indicator.id == "assessment_45wd_pct":
                    value = IndicatorValue(value.indicator, end, end, None, None, None, "None.")
                series.setdefault(value.indicator.id, []).append(value)
        return series

    monkeypatch.setattr(engine, "compute", compute)
    monkeypatch.setattr(engine, "trend", trend)


def test_indicators_with_values_charts_and_suppression(committee, computed) -> None:
    built = document.build_report(committee)
    text = documents.docx_text(documents.render_docx(built))
    figures = report_figures.figures(committee)
    lines = {line.id: line for line in figures.indicators.lines}

    assert lines["assessment_45wd_pct"].value.endswith("%")
    assert lines["assessment_45wd_pct"].fraction.endswith("/ 200")
    # 3 of 4 children: withheld, and so are its parts.
    assert lines["rereferral_12m_pct"].value == presentation.SUPPRESSED
    assert lines["rereferral_12m_pct"].fraction == ""
    assert lines["nfa_pct"].value == "No data"
    assert "No referrals." in text
    # Records indicators are left to their own sections.
    assert all(i.source is Source.SNAPSHOT for i in catalogue.catalogue() if i.id in lines)
    images = [b for b in built.blocks if isinstance(b, documents.Image)]
    assert images and all(b.png.startswith(b"\x89PNG") and b.alt for b in images)
    # Every chart's values are also written out; a month with no figure is a gap, said in words.
    assert "Month by month: Apr 2023:" in text
    assert "Aug 2023: No data" in text
    pdf = documents.render_pdf(built)
    assert pdf == documents.render_pdf(document.build_report(committee))


def test_a_percentage_from_1_to_4_children_is_withheld() -> None:
    assert report_figures.share_text(3, 10) == presentation.SUPPRESSED
    assert report_figures.share_text(6, 4) == presentation.SUPPRESSED
    assert report_figures.share_text(0, 0) == "No data"
    assert report_figures.share_text(5, 10) == "50.0%"


def test_charts_are_deterministic_pngs_with_gaps() -> None:
    points = [("Apr 2023", 50.0), ("May 2023", None), ("Jun 2023", 61.5)]
    one = charts.run_chart_png(points, title="A", unit_label="Percentage", benchmark=55.0)
    two = charts.run_chart_png(points, title="A", unit_label="Percentage", benchmark=55.0)
    assert one == two and one.startswith(b"\x89PNG")
    bars = charts.bar_chart_png([("Good", 7), ("Other", None)], title="B", unit_label="Audits")
    assert bars.startswith(b"\x89PNG")


def test_an_annex_a_snapshot_says_no_data_and_why_never_zero(council) -> None:
    from lineofsight.intake import services as intake

    fixture = Path(__file__).resolve().parents[4] / "shared/fixtures/annex_a/Annex_A_2024_Jan.xlsx"
    if not fixture.exists():
        fixture = Path("/work/shared/fixtures/annex_a/Annex_A_2024_Jan.xlsx")
    run = intake.annex_a_import(path=fixture, as_at=datetime.date(2024, 3, 31))
    assert run.snapshot is not None, run.failure_message
    made = report_services.report_create(
        actor=council["users"]["analyst"],
        title="From Annex A",
        period_end=datetime.date(2024, 3, 31),
        snapshot=run.snapshot,
    )

    figures = report_figures.figures(made)
    text = documents.docx_text(_docx(made))

    values = {
        v.indicator.id: v for v in engine.compute(snapshot=run.snapshot, period_end=PERIOD_END)
    }
    for line in figures.indicators.lines:
        if values[line.id].value is None:
            assert line.value == "No data"
            assert line.no_data_reason and f"{line.title}: {line.no_data_reason}" in text
    # Flags the workbook cannot show are listed as not checked, with the reason, not as 0.
    unchecked = {line.id: line for line in figures.drift.unchecked}
    assert "cla_health_overdue" in unchecked
    assert unchecked["cla_health_overdue"].count == "Not checked"
    assert unchecked["cla_health_overdue"].not_checked in text


def test_a_missing_snapshot_file_is_no_data(council) -> None:
    snapshot = Snapshot.objects.create(
        file_name="gone.duckdb",
        source_kind="ssd",
        as_at=datetime.date(2025, 4, 30),
        content_hash="0" * 64,
    )
    made = report_services.report_create(
        actor=council["users"]["qa_lead"],
        title="Gone",
        period_end=datetime.date(2025, 3, 31),
        snapshot=snapshot,
    )
    figures = report_figures.figures(made)
    assert figures.drift.reason.startswith("No data")
    assert documents.render_pdf(document.build_report(made)).startswith(b"%PDF")


# -- writes -------------------------------------------------------------------------------------


def test_a_stale_edit_is_refused_and_changes_nothing(committee, council) -> None:
    senior = council["users"]["senior_leader"]
    _save_text(
        committee, senior, expected_version=committee.version, what_we_know="Senior leader's words."
    )
    with pytest.raises(report_services.ReportChangedMeanwhile, match="after you opened it"):
        _save_text(
            committee,
            council["users"]["qa_lead"],
            expected_version=committee.version,  # the version before the senior leader saved
            what_we_know="Overwriting.",
        )
    committee.refresh_from_db()
    assert committee.what_we_know == "Senior leader's words."
    events = ChangeEvent.objects.filter(object_id=str(committee.pk), action__startswith="committee")
    assert events.count() == 3  # created, then two saves


def test_a_stale_edit_on_the_page_keeps_the_text_and_shows_theirs(committee, client_for) -> None:
    url = reverse("reports:committee_detail", kwargs={"pk": committee.pk})
    stale = committee.version
    _save_text(committee, committee.created_by, expected_version=stale, what_we_know="Saved first.")
    response = client_for("senior_leader").post(
        url,
        {
            "title": committee.title,
            "what_we_know": "My draft.",
            "how_we_know": "",
            "what_next": "",
            "version": stale,
        },
    )
    assert response.status_code == 409  # a conflict, as on every edit page (web.forms)
    page = response.content.decode()
    assert "after you opened it" in page and "My draft." in page and "Saved first." in page
    committee.refresh_from_db()
    assert committee.what_we_know == "Saved first."


def test_period_must_be_a_31_march_up_to_the_snapshot(council) -> None:
    snapshot = east_snapshot()
    with pytest.raises(report_services.ReportError, match="31 March"):
        report_services.report_create(
            actor=council["users"]["qa_lead"],
            title="Too late",
            period_end=datetime.date(2025, 3, 31),
            snapshot=snapshot,
        )


# -- pages and roles ----------------------------------------------------------------------------


def test_qa_lead_starts_a_report_and_downloads_it(council, client_for, settings) -> None:
    settings.INTAKE_IMPORTS_INLINE = True  # the worker's part done at once (test_export_tasks.py)
    east_snapshot()
    client = client_for("qa_lead")
    page = client.get(reverse("reports:committee_create"))
    assert page.status_code == 200 and "2023 to 31 March 2024" in page.content.decode()

    response = client.post(
        reverse("reports:committee_create"), {"title": "Year report", "period_end": "2024-03-31"}
    )
    made = CommitteeReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:committee_detail", kwargs={"pk": made.pk})

    docx = _prepared(client, reverse("reports:committee_docx", kwargs={"pk": made.pk}))
    assert docx.status_code == 200
    assert docx["Content-Type"] == report_views_docx_type()
    assert docx["Content-Disposition"] == (
        f'attachment; filename="year-report-2024-03-31-report-{made.pk}.docx"'
    )
    pdf = _prepared(client, reverse("reports:committee_pdf", kwargs={"pk": made.pk}))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert pdf["Content-Disposition"].endswith(f'-report-{made.pk}.pdf"')
    listing = client.get(reverse("reports:committee")).content.decode()
    assert "Year report" in listing and "Start a new report" in listing


def _prepared(client, url: str):
    """Ask for the download, as the report's page does, and fetch the file its page offers."""
    from lineofsight.reports.models import CommitteeExport

    asked = client.post(url)
    export = CommitteeExport.objects.latest("pk")
    assert asked["Location"] == reverse("reports:committee_export", kwargs={"pk": export.pk})
    page = client.get(asked["Location"]).content.decode()
    file_url = reverse("reports:committee_export_file", kwargs={"pk": export.pk})
    assert "Your download is ready" in page and file_url in page
    return client.get(file_url)


def report_views_docx_type() -> str:
    from lineofsight.reports.views import DOCX_TYPE

    return DOCX_TYPE


@pytest.mark.parametrize("role", ["practitioner", "administrator"])
def test_roles_without_the_indicators_get_403(committee, client_for, role) -> None:
    client = client_for(role)
    for name in ("committee_detail", "committee_docx", "committee_pdf"):
        assert (
            client.get(reverse(f"reports:{name}", kwargs={"pk": committee.pk})).status_code == 403
        )
    assert client.get(reverse("reports:committee")).status_code == 403


@pytest.mark.parametrize("role", ["team_manager", "service_manager"])
def test_council_wide_reports_are_not_for_team_or_service_scope(committee, client_for, role):
    """Issue 11: the report's figures cover the whole council; a manager whose scope is a team
    or a service may see the indicators but not the committee report."""
    client = client_for(role)
    for name in ("committee_detail", "committee_docx", "committee_pdf"):
        url = reverse(f"reports:{name}", kwargs={"pk": committee.pk})
        assert client.get(url).status_code == 403
    assert client.get(reverse("reports:committee")).status_code == 403
    assert client.get(reverse("reports:committee_create")).status_code == 403
    url = reverse("reports:committee_detail", kwargs={"pk": committee.pk})
    assert client.post(url, {"title": "x", "version": committee.version}).status_code == 403
    # The home page and navigation do not offer the door either.
    from lineofsight.home.navigation import home_links

    users = committee_users(committee)
    assert "reports:committee" not in {link.url_name for link in home_links(users[role])}
    assert "reports:committee" in {link.url_name for link in home_links(users["senior_leader"])}


def committee_users(committee) -> dict:
    from lineofsight.accounts.models import User

    return {u.role: u for u in User.objects.all()}


def test_a_report_that_does_not_exist_is_404(council, client_for) -> None:
    client = client_for("qa_lead")
    for name in ("committee_detail", "committee_docx", "committee_pdf"):
        assert client.get(reverse(f"reports:{name}", kwargs={"pk": 9999})).status_code == 404


def test_without_casework_the_start_page_says_so(council, client_for) -> None:
    page = client_for("analyst").get(reverse("reports:committee_create"))
    assert page.status_code == 200
    assert "No casework has been imported yet" in page.content.decode()


def test_small_counts_are_never_bare_digits_in_the_documents_or_preview(
    committee, council, client_for
) -> None:
    """Issue 11: two improvement actions raised in the period read "fewer than 5" everywhere
    the report shows them (Word, and the preview the PDF shares its figures with)."""
    from lineofsight.actions.models import ImprovementAction

    for n in range(2):
        action_services.action_create(
            actor=council["users"]["qa_lead"],
            source_type=SourceType.SUPERVISION,
            source_id=str(n + 1),
            team=council["teams"]["east"],
            issue="Plan drifting.",
            action="Hold a review.",
            owner=council["users"]["qa_lead"],
            due_date=timezone.localdate() + timedelta(days=5),
        )
    in_period = timezone.make_aware(datetime.datetime(2023, 10, 2, 10, 0))
    ImprovementAction.objects.update(created_at=in_period)
    committee = report_services.report_figures_count(
        actor=council["users"]["qa_lead"], report=committee, expected_version=committee.version
    )

    total = report_figures.figures(committee).actions.total
    assert (total.raised, total.open) == ("fewer than 5", "fewer than 5")

    lines = documents.docx_text(_docx(committee)).splitlines()
    row = lines[lines.index("All actions") : lines.index("All actions") + 5]
    assert row[1:3] == ["fewer than 5", "fewer than 5"]
    assert not [cell for cell in row[1:] if cell in {"1", "2", "3", "4"}]
    # The drift table: the East snapshot has 2 children with a plan open 9 months.
    assert "fewer than 5" in lines

    page = client_for("qa_lead").get(
        reverse("reports:committee_detail", kwargs={"pk": committee.pk})
    )
    html = page.content.decode()
    cells = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">\s*([^<]*?)\s*<', html
    )
    assert cells and not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert "All actions" in html and cells.count("fewer than 5") >= 3


def _text_of(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_staff_health_check_is_kept_with_the_report_figures(council) -> None:
    from lineofsight.feedback.tests import healthcheck_support as hc
    from lineofsight.feedback.tests.healthcheck_support import survey_with_answers

    qa = council["users"]["qa_lead"]
    survey_with_answers(council, {"east": 5, "west": 2}, value="agree", title="Spring check")
    report = report_services.report_create(
        actor=qa, title="With the health check", period_end=PERIOD_END, snapshot=east_snapshot()
    )
    first = _text_of(_docx(report))
    assert "The staff health check" in first and "Spring check: 7 people answered" in first
    # "Agree" on every statement scores 75 in every standard.
    assert "75" in first

    # A later survey does not change a report already counted.
    autumn = hc.open_survey(council, ("east",), title="Autumn check")
    for path in list(hc.send_links(council, autumn).values())[:5]:
        assert hc.answer(path, hc.all_answers(autumn, "disagree")).status_code == 302
    hc.close(council, autumn)
    report.refresh_from_db()
    assert _text_of(_docx(report)) == first


def test_without_a_health_check_the_report_says_so(committee) -> None:
    text = _text_of(_docx(committee))
    assert "No staff health check with 5 or more answers had closed" in text
