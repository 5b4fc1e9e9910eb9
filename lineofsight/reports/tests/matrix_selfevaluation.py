"""Who may use the self-evaluation's pages, for tests/url_matrix.py.

Readers and writers are the committee report's (quality assurance leads, senior leaders and
analysts; the evidence is council-wide, so team and service managers get 403 as they do for
committee reports). Signing off and starting a new version are POSTs: a GET is refused (405)
before anything else. The self-evaluation is made from the East council's snapshot
(lineofsight/worklists/tests/snapshots.py).
"""

from __future__ import annotations

from lineofsight.accounts.models import Role
from tests.url_matrix import Expect, expect

READERS = (Role.QA_LEAD, Role.SENIOR_LEADER, Role.ANALYST)  # READ_COMMITTEE_REPORTS
WRITERS = (Role.QA_LEAD, Role.SENIOR_LEADER, Role.ANALYST)  # WRITE_COMMITTEE_REPORTS


def self_evaluation(council: dict) -> dict:
    import datetime

    from lineofsight.reports import selfevaluation_services as services
    from lineofsight.worklists.tests.snapshots import east_snapshot

    made = services.self_evaluation_create(
        actor=council["users"][Role.QA_LEAD],
        title="Self-evaluation",
        year_end=datetime.date(2024, 3, 31),
        snapshot=east_snapshot(),
    )
    return {"pk": made.pk}


def self_evaluation_area(council: dict) -> dict:
    return {**self_evaluation(council), "area": "care_leavers"}


EXPECTED: dict[str, Expect] = {
    "reports:selfevaluation": expect(200, only=READERS),
    "reports:selfevaluation_create": expect(200, only=WRITERS),
    "reports:selfevaluation_detail": expect(200, only=READERS, kwargs=self_evaluation),
    "reports:selfevaluation_area": expect(200, only=READERS, kwargs=self_evaluation_area),
    # Asking for a download is a page (the worker prepares the file, as for committee reports;
    # the prepared file is reports:committee_export_file's, its asker's alone).
    "reports:selfevaluation_docx": expect(200, only=READERS, kwargs=self_evaluation),
    "reports:selfevaluation_pdf": expect(200, only=READERS, kwargs=self_evaluation),
    "reports:selfevaluation_sign_off": expect(405, kwargs=self_evaluation),
    "reports:selfevaluation_new_version": expect(405, kwargs=self_evaluation),
}
