"""URL expectations for tests/url_matrix.py.

The records are arranged so every role's expected status is meaningful: a newly qualified worker
in West (Safeguarding, the service manager's service), so the East team manager is outside it
(404), the service manager and senior leader read it (200) but may not change it (403), and the
quality assurance lead manages it. Courses, sessions and the skills matrix are the council's own:
every role that reads the council's figures reads them; only quality assurance leads change them.
Practitioners and administrators do not use these pages (403).
"""

from __future__ import annotations

from lineofsight.accounts.models import Role
from tests.url_matrix import expect

from . import factories

READERS = (
    Role.TEAM_MANAGER,
    Role.SERVICE_MANAGER,
    Role.QA_LEAD,
    Role.SENIOR_LEADER,
)
TEAM_MANAGERS = (Role.TEAM_MANAGER, Role.QA_LEAD)
QA = (Role.QA_LEAD,)


def enrolment(council) -> dict:
    return {"pk": factories.enrolment(council).pk}


def stage(council) -> dict:
    return {"pk": factories.enrolment(council).pk, "key": "review-3"}


def course(council) -> dict:
    return {"pk": factories.course(council).pk}


def session(council) -> dict:
    return {"pk": factories.session(council).pk}


def skill(council) -> dict:
    from lineofsight.workforce import services
    from lineofsight.workforce.models import Skill

    practitioner = council["users"][Role.PRACTITIONER]
    found = Skill.objects.filter(worker=practitioner, theme="voice-of-the-child").first()
    made = found or services.skill_add(
        actor=council["users"][Role.QA_LEAD],
        worker=practitioner,
        theme="voice-of-the-child",
        role="lead",
    )
    return {"pk": made.pk}


EXPECTED: dict = {
    "workforce:index": expect(200, only=READERS),
    "workforce:early_careers": expect(200, only=READERS),
    "workforce:enrol": expect(200, only=TEAM_MANAGERS),
    "workforce:enrolment": expect(200, only=READERS, kwargs=enrolment, team_manager=404),
    "workforce:enrolment_edit": expect(403, kwargs=enrolment, team_manager=404, qa_lead=200),
    "workforce:stage": expect(403, kwargs=stage, team_manager=404, qa_lead=200),
    "workforce:courses": expect(200, only=READERS),
    "workforce:course_create": expect(200, only=QA),
    "workforce:course": expect(200, only=READERS, kwargs=course),
    "workforce:course_edit": expect(200, only=QA, kwargs=course),
    "workforce:session_create": expect(200, only=QA, kwargs=course),
    "workforce:session": expect(200, only=READERS, kwargs=session),
    "workforce:attendance": expect(200, only=QA, kwargs=session),
    "workforce:coverage": expect(200, only=READERS),
    "workforce:skills": expect(200, only=READERS),
    "workforce:skill_add": expect(200, only=QA),
    # Taking someone off the matrix is a POST; a GET is refused before anything else.
    "workforce:skill_remove": expect(405, kwargs=skill),
}
