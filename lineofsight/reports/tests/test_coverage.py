"""An Annex A snapshot says in the committee report which figures it cannot support, as the board
does (indicators/tests/test_coverage.py)."""

from __future__ import annotations

import pytest

from lineofsight.indicators import coverage
from lineofsight.indicators.tests.test_coverage import AS_AT, _annex_a_snapshot
from lineofsight.reports import document
from lineofsight.reports import services as report_services
from lineofsight.web import documents

pytestmark = pytest.mark.django_db


def test_the_report_lists_the_figures_an_annex_a_snapshot_cannot_support(council) -> None:
    snapshot = _annex_a_snapshot()
    found = {u.indicator.id: u.reason for u in coverage.unsupported(snapshot)}

    made = report_services.report_create(
        actor=council["users"]["analyst"], title="From Annex A", period_end=AS_AT, snapshot=snapshot
    )
    text = documents.docx_text(documents.render_docx(document.build_report(made)))
    assert coverage.LEAD in text
    assert f"Re-referrals within 12 months: {found['rereferral_12m_pct']}" in text
