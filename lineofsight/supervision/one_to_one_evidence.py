"""One-to-one supervision as evidence beside the oversight audit's questions on supervision.

For the audited child's allocated worker (the audit's worker id, their professional id in the
case system): the dates of their one-to-one supervision in the last six months, each on time
or late by the council's policy, and whether the next is overdue. Only dates and timeliness:
never what was discussed. It answers no question and suggests no answer; the auditor reads it
and judges. The caller shows it only to someone who may see the audit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from lineofsight.accounts.models import User

from .one_to_one_selectors import EVIDENCE_MONTHS, WorkerEvidence, worker_evidence

# The audit tool and its section whose questions (regular, reflective, previous-actions) this
# evidence sits beside (lineofsight/audits/audit_tools/oversight.yml).
TOOL_KEY = "oversight-and-supervision"
SECTION_KEY = "supervision"
TEMPLATE = "supervision/one_to_one/audit_evidence.html"


@dataclass(frozen=True)
class SupervisionEvidence:
    section_key: str
    title: str
    template: str
    evidence: WorkerEvidence | None  # None: the worker is not known, or not a user here
    months: int = EVIDENCE_MONTHS


def supervision_beside_audit(
    user: User,
    *,
    tool_key: str,
    worker_id: str,
    today: datetime.date | None = None,
) -> list[SupervisionEvidence]:
    """The evidence for the supervision section of the oversight tool, or nothing for any other
    tool. `user` is the person reading the audit, who the caller has checked may see it."""
    if tool_key != TOOL_KEY:
        return []
    return [
        SupervisionEvidence(
            section_key=SECTION_KEY,
            title="The allocated worker's one-to-one supervision",
            template=TEMPLATE,
            evidence=worker_evidence(worker_id, today=today) if worker_id else None,
        )
    ]
