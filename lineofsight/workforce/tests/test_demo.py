from __future__ import annotations

import pytest

from lineofsight.accounts.models import Role
from lineofsight.workforce import selectors
from lineofsight.workforce.demo import make_demo_workforce
from lineofsight.workforce.models import Attendance, Course, Enrolment, Skill

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_cohort_courses_and_skills_once(council):
    qa = council["users"][Role.QA_LEAD]
    first = make_demo_workforce(actor=qa)
    assert len(first) >= 7
    enrolments = list(Enrolment.objects.all())
    assert len(enrolments) == 3
    assert sum(e.completed_on is not None for e in enrolments) == 2
    assert Course.objects.filter(core=True).count() == 2
    assert Attendance.objects.exists() and Skill.objects.exists()
    # The newly qualified workers are in the team of a team manager, who reads them.
    assert len(selectors.enrolments_visible_to(council["users"][Role.TEAM_MANAGER])) == 3
    assert make_demo_workforce(actor=qa) == []  # already there: nothing more is made
    assert Enrolment.objects.count() == 3
