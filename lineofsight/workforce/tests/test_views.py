"""The pages through the test client: forms post and redirect without JavaScript, refusals are
400 with the message on the page, outsiders get 404 and readers 403 when they post."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.workforce.models import Attendance, Course, Enrolment, StageRecord

from . import factories

pytestmark = pytest.mark.django_db


def test_a_qa_lead_enrols_a_worker_and_records_a_review(client_for, council):
    client = client_for(Role.QA_LEAD)
    person = factories.worker(council["teams"]["west"], "Nia Newly")
    start = datetime.date.today() - datetime.timedelta(days=120)
    response = client.post(
        reverse("workforce:enrol"),
        {
            "worker": person.pk,
            "team": council["teams"]["west"].pk,
            "start_date": start.strftime("%d/%m/%Y"),
            "assessor": council["users"][Role.TEAM_MANAGER].pk,
        },
    )
    enrolment = Enrolment.objects.get(worker=person)
    assert response.status_code == 302
    assert response["Location"] == reverse("workforce:enrolment", args=[enrolment.pk])
    page = client.get(response["Location"]).content.decode()
    assert "3-month review" in page and "Overdue" in page
    response = client.post(
        reverse("workforce:stage", args=[enrolment.pk, "review-3"]),
        {"version": "0", "done_on": datetime.date.today().strftime("%d/%m/%Y"), "note": "Good"},
    )
    assert response.status_code == 302
    assert StageRecord.objects.get(enrolment=enrolment).note == "Good"


def test_a_refused_stage_shows_why(client_for, council):
    enrolment = factories.enrolment(council)
    response = client_for(Role.QA_LEAD).post(
        reverse("workforce:stage", args=[enrolment.pk, "final-panel"]),
        {"version": "0", "done_on": datetime.date.today().strftime("%d/%m/%Y")},
    )
    assert response.status_code == 400
    assert "Choose the outcome" in response.content.decode()
    assert not StageRecord.objects.exists()


def test_an_edit_over_a_newer_save_is_a_conflict(client_for, council):
    enrolment = factories.enrolment(council)
    data = {
        "version": "1",
        "start_date": enrolment.start_date.strftime("%d/%m/%Y"),
        "assessor": council["users"][Role.QA_LEAD].pk,
        "left_on": "",
    }
    client = client_for(Role.QA_LEAD)
    assert (
        client.post(reverse("workforce:enrolment_edit", args=[enrolment.pk]), data).status_code
        == 302
    )
    response = client.post(reverse("workforce:enrolment_edit", args=[enrolment.pk]), data)
    assert response.status_code == 409
    assert "saved this record after you opened it" in response.content.decode()


def test_outsiders_and_readers_cannot_post(client_for, council):
    enrolment = factories.enrolment(council)  # in West
    url = reverse("workforce:stage", args=[enrolment.pk, "review-3"])
    data = {"version": "0", "done_on": datetime.date.today().strftime("%d/%m/%Y")}
    assert client_for(Role.TEAM_MANAGER).post(url, data).status_code == 404
    assert client_for(Role.SENIOR_LEADER).post(url, data).status_code == 403
    assert (
        client_for(Role.TEAM_MANAGER).post(reverse("workforce:course_create"), {}).status_code
        == 403
    )
    assert not StageRecord.objects.exists()


def test_a_course_a_session_and_attendance(client_for, council):
    client = client_for(Role.QA_LEAD)
    response = client.post(
        reverse("workforce:course_create"),
        {
            "title": "Signs of Safety foundations",
            "core": "yes",
            "themes": ["voice-of-the-child"],
            "practice_models": ["signs-of-safety"],
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302 and course.core and course.themes == ["voice-of-the-child"]
    response = client.post(
        reverse("workforce:session_create", args=[course.pk]),
        {"held_on": datetime.date.today().strftime("%d/%m/%Y"), "place": "Town hall"},
    )
    session = course.sessions.get()
    assert response["Location"] == reverse("workforce:session", args=[session.pk])
    person = council["users"][Role.PRACTITIONER]
    response = client.post(
        reverse("workforce:attendance", args=[session.pk]), {"worker": person.pk, "attended": "yes"}
    )
    assert response.status_code == 302
    assert Attendance.objects.get(session=session, worker=person).attended
    page = client_for(Role.TEAM_MANAGER).get(reverse("workforce:coverage")).content.decode()
    assert "Signs of Safety foundations" in page and "East" in page and "West" not in page


def test_the_early_careers_list_shows_only_the_readers_teams(client_for, council):
    factories.enrolment(council, name="Wes West")  # West
    factories.enrolment(council, "east", name="Ella East")
    page = client_for(Role.TEAM_MANAGER).get(reverse("workforce:early_careers")).content.decode()
    assert "Ella East" in page and "Wes West" not in page
    page = client_for(Role.SERVICE_MANAGER).get(reverse("workforce:early_careers")).content.decode()
    assert "Ella East" in page and "Wes West" in page
