"""URL arguments for tests/url_matrix.py: each builds, from the test council, the object one
audits or actions page is about, arranged so every role's expected status is meaningful:

- the file belongs to West (Safeguarding service); the East team manager audits it, which is
  allowed (not their team); the practitioner (professional id P-1) holds the case;
- the service manager leads Safeguarding, so West is in their area;
- the quality assurance lead sees everything and moderates.
"""

from __future__ import annotations

from lineofsight.audits.grades import Grade
from lineofsight.audits.models import Audit

from . import factories


def _audit(council, *, submitted: bool) -> Audit:
    programme = factories.programme(council["users"]["qa_lead"])
    audit = factories.audit(
        programme,
        person_id="W007",
        team=council["teams"]["west"],
        auditor=council["users"]["team_manager"],
        worker_id="P-1",
    )
    if submitted:
        factories.submit(audit, council["users"]["team_manager"], grade=Grade.GOOD)
        audit.refresh_from_db()
    return audit


def tool_version(council) -> dict:
    return {"pk": factories.tool().pk}


def programme(council) -> dict:
    return {"pk": factories.programme(council["users"]["qa_lead"]).pk}


def draft_audit(council) -> dict:
    return {"pk": _audit(council, submitted=False).pk}


def submitted_audit(council) -> dict:
    return {"pk": _audit(council, submitted=True).pk}


def first_version(council) -> dict:
    return {"pk": _audit(council, submitted=True).pk, "number": 1}


def moderation(council) -> dict:
    audit = _audit(council, submitted=True)
    qa = council["users"]["qa_lead"]
    item = factories.moderation(audit, factories.draw(audit.programme, qa), qa)
    return {"pk": item.pk}


def action(council) -> dict:
    audit = _audit(council, submitted=True)
    item = factories.audit_action(
        audit,
        council["users"]["team_manager"],
        council["users"]["practitioner"],
        issue="No chronology on file.",
        action="Write an impact chronology.",
    )
    return {"pk": item.pk}
