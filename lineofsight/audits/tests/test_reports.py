"""The programme report's figures: grade tables, run chart, themes, actions, agreement."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from lineofsight.actions import services as action_services
from lineofsight.actions.models import ImprovementAction, SourceType
from lineofsight.audits import reports, services
from lineofsight.audits.grades import Grade
from lineofsight.audits.models import (
    Answer,
    Audit,
    Moderation,
    ModerationStatus,
)

from . import factories

pytestmark = pytest.mark.django_db


def _graded(audit, draw, moderator, grade) -> Moderation:
    """A moderation, graded now, of an audit its auditor graded Good."""
    return factories.moderation(
        audit,
        draw,
        moderator,
        auditor_grade=Grade.GOOD,
        moderator_grade=grade,
        status=ModerationStatus.GRADED,
        graded_at=timezone.now(),
    )


def _submitted(council, programme, n, *, grade, team="west", month=None, answer="yes"):
    tm = council["users"]["team_manager"]
    made = []
    start = Audit.objects.filter(programme=programme).count()
    for i in range(n):
        audit = factories.audit(
            programme, person_id=f"X{start + i:04d}", team=council["teams"][team], auditor=tm
        )
        factories.submit(audit, tm, grade=grade, answer=answer)
        if month is not None:
            moment = timezone.make_aware(datetime.datetime(month.year, month.month, 10, 12))
            Audit.objects.filter(pk=audit.pk).update(first_submitted_at=moment)
        made.append(audit)
    return made


def test_grade_rows_by_team_and_cohort_with_intervals(council):
    programme = factories.programme(council["users"]["qa_lead"])
    _submitted(council, programme, 6, grade=Grade.GOOD)
    _submitted(council, programme, 4, grade=Grade.REQUIRES_IMPROVEMENT, team="cic")
    report = reports.programme_report(programme, Audit.objects.filter(programme=programme))
    assert report.submitted == report.total == 10
    west = next(r for r in report.by_team if r.label == "West")
    assert west.n == 6 and west.good_or_better == 6 and west.share == 1.0
    assert west.interval == pytest.approx((0.6097, 1.0), abs=1e-4)
    care = next(r for r in report.by_team if r.label == "Care Team")
    assert care.too_small and care.share is None and care.n_text == "fewer than 5"
    assert [c.text for c in care.cells] == ["0", "0", "fewer than 5", "0"]
    assert [r.label for r in report.by_cohort] == ["Child in need"]


def test_the_run_chart_has_one_point_per_month_and_skips_small_months(council):
    programme = factories.programme(council["users"]["qa_lead"])
    months = [datetime.date(2025, m, 1) for m in (1, 2, 4)]
    _submitted(council, programme, 5, grade=Grade.GOOD, month=months[0])
    _submitted(council, programme, 2, grade=Grade.GOOD, month=months[1])
    _submitted(council, programme, 8, grade=Grade.GOOD, month=months[2])
    _submitted(council, programme, 2, grade=Grade.INADEQUATE, month=months[2])
    chart = reports.programme_report(programme, Audit.objects.filter(programme=programme)).run_chart
    assert [p.label for p in chart.points] == ["Jan 2025", "Feb 2025", "Mar 2025", "Apr 2025"]
    assert [p.share for p in chart.points] == [1.0, None, None, 0.8]
    assert [p.n_text for p in chart.points] == ["5", "fewer than 5", "0", "10"]
    assert chart.median == pytest.approx(0.9)
    assert len(chart.plotted) == 2 and chart.polyline.count(",") == 2


def test_themes_count_no_answers_in_the_latest_submission_only(council):
    programme = factories.programme(council["users"]["qa_lead"])
    audits = _submitted(council, programme, 6, grade=Grade.REQUIRES_IMPROVEMENT, answer="yes")
    question = programme.tool_version.sections.order_by("order").first().questions.first()
    Answer.objects.filter(question=question, version__audit__in=audits[:5]).update(value="no")
    # A later version that changes the answer back is what counts.
    tm = council["users"]["team_manager"]
    services.audit_reopen(actor=tm, audit=audits[0], reason="Found the assessment")
    factories.submit(audits[0], tm, grade=Grade.GOOD, answer="yes")
    report = reports.programme_report(programme, Audit.objects.filter(programme=programme))
    (theme,) = report.themes
    assert theme.question == question.text
    assert (theme.concerns, theme.answered) == (4, 6)
    assert theme.concerns_text == "fewer than 5" and theme.interval_text == "–"
    # A share worked out from 1 to 4 "no" answers is withheld too, not only its interval.
    assert theme.share is None and theme.share_text == "suppressed: fewer than 5"


def test_a_share_built_on_1_to_4_is_withheld_even_when_the_group_is_large(council):
    programme = factories.programme(council["users"]["qa_lead"])
    _submitted(council, programme, 3, grade=Grade.GOOD)
    _submitted(council, programme, 6, grade=Grade.INADEQUATE)
    report = reports.programme_report(programme, Audit.objects.filter(programme=programme))
    west = next(r for r in report.by_team if r.label == "West")
    assert west.n == 9 and west.good_or_better == 3
    assert west.share is None and west.interval is None
    assert west.share_text == "suppressed: fewer than 5" and west.interval_text == "–"
    assert [c.text for c in west.cells][1] == "fewer than 5"


def test_actions_open_and_overdue_by_team(council):
    programme = factories.programme(council["users"]["qa_lead"])
    (audit,) = _submitted(council, programme, 1, grade=Grade.GOOD)
    made = []
    for _ in range(2):
        made.append(
            action_services.action_create(
                actor=council["users"]["team_manager"],
                source_type=SourceType.AUDIT,
                source_id=audit.pk,
                issue="i",
                action="a",
                owner=council["users"]["practitioner"],
                due_date=timezone.localdate() + datetime.timedelta(days=5),
                team=audit.team,
            )
        )
    # One falls overdue (a due date cannot be entered in the past).
    ImprovementAction.objects.filter(pk=made[0].pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    (row,) = reports.programme_report(programme, Audit.objects.filter(programme=programme)).actions
    assert (row.team, row.open, row.overdue, row.done) == ("West", 2, 1, 0)
    assert row.texts == ("fewer than 5", "fewer than 5", "0")
    assert row.cells == ["fewer than 5", "fewer than 5", 0]


def test_agreement_per_auditor_and_team_with_tendency(council):
    qa = council["users"]["qa_lead"]
    programme = factories.programme(qa)
    audits = _submitted(council, programme, 10, grade=Grade.GOOD)
    draw = factories.draw(programme, qa, rate=100, considered=10)
    moderator_grades = [3, 3, 3, 3, 3, 2, 2, 2, 1, 1]
    for audit, mod in zip(audits, moderator_grades, strict=True):
        _graded(audit, draw, qa, mod)
    report = reports.agreement_report(Moderation.objects.all())
    assert report.overall.result.n == 10
    assert report.overall.exact_text == "50%"
    # The auditor only ever gave Good: every agreement is what chance alone would give.
    assert report.overall.kappa_text == "0.00"
    (auditor,) = report.by_auditor
    assert auditor.label == "Team manager Person" and auditor.result.higher == 5
    (tendency,) = report.tendency
    assert tendency.mean_difference == pytest.approx(7 / 10)
    assert tendency.direction == "Grades higher than moderators"
    assert report.table[1] == [0, 5, 3, 2]  # auditor Good: moderator Good, RI, Inadequate
    # The matrix as shown: 1 to 4 read "fewer than 5"; in a spreadsheet, numbers stay numbers.
    assert report.table_text[1] == ["0", "5", "fewer than 5", "fewer than 5"]
    assert report.table_cells[1] == [0, 5, "fewer than 5", "fewer than 5"]


def test_agreement_on_1_to_4_audits_withholds_shares_kappa_and_averages(council):
    qa = council["users"]["qa_lead"]
    programme = factories.programme(qa)
    audits = _submitted(council, programme, 3, grade=Grade.GOOD)
    draw = factories.draw(programme, qa, rate=100, considered=3)
    for audit in audits:
        _graded(audit, draw, qa, Grade.GOOD)
    report = reports.agreement_report(Moderation.objects.all())
    assert report.overall.n_text == "fewer than 5"
    assert report.overall.same_text == "fewer than 5"
    assert report.overall.exact_text == "suppressed: fewer than 5"
    assert report.overall.kappa_text == "suppressed: fewer than 5"
    (tendency,) = report.tendency
    assert tendency.texts[0] == "fewer than 5"
    assert tendency.mean_difference_text == "suppressed: fewer than 5"
    assert "3" not in [c for row in report.table_text for c in row]
