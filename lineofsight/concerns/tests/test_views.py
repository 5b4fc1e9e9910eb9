"""The concern pages: raising from an audit form and from an observation, the home pages, the
one list of open concerns scoped by user, the concern page, and the response."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry
from lineofsight.concerns import services
from lineofsight.concerns.models import Concern, Level

from .helpers import client_as, concern_council

pytestmark = pytest.mark.django_db


@pytest.fixture
def c(council):
    return concern_council(council)


def _raise(c, *, actor="west_manager") -> Concern:
    return services.concern_raise(
        actor=c["users"][actor],
        source_type="audit",
        source_id=str(c["audit"].pk),
        description="Bruising seen at the last visit was not followed up.",
    )


def test_raising_from_the_audit_form(c, django_capture_on_commit_callbacks, mailoutbox):
    auditor = client_as(c["users"]["west_manager"])
    raise_url = reverse("concerns:raise", args=["audit", c["audit"].pk])
    form_page = auditor.get(reverse("audits:audit_edit", args=[c["audit"].pk]))
    assert form_page.status_code == 200 and raise_url in form_page.text

    page = auditor.get(raise_url)
    assert page.status_code == 200
    assert c["users"]["team_manager"].full_name in page.text
    assert AccessLogEntry.objects.filter(person_id="E042", path=raise_url).exists()

    empty = auditor.post(raise_url, {"description": "  "})
    assert empty.status_code == 400 and "Describe the safeguarding concern" in empty.text
    assert not Concern.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        done = auditor.post(raise_url, {"description": "Child left alone overnight."})
    concern = Concern.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "concerns:detail", args=[concern.pk]
    )
    assert len(mailoutbox) == 4
    # The audit's page shows the concern and links to it.
    detail = auditor.get(reverse("audits:audit_detail", args=[c["audit"].pk]))
    assert reverse("concerns:detail", args=[concern.pk]) in detail.text


def test_raising_from_a_practice_week_observation(c, django_capture_on_commit_callbacks):
    assessor = client_as(c["users"]["service_manager"])
    visit = c["visit"]
    raise_url = reverse("concerns:raise", args=["observation", visit.pk])
    form_page = assessor.get(reverse("practiceweeks:observation_edit", args=[visit.pk]))
    assert form_page.status_code == 200 and raise_url in form_page.text
    assert assessor.get(raise_url).status_code == 200
    # A senior leader reads practice weeks but is not this visit's assessor.
    assert client_as(c["users"]["senior_leader"]).get(raise_url).status_code == 403
    # The East team manager cannot see a visit to the Care Team.
    assert client_as(c["users"]["team_manager"]).get(raise_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = assessor.post(raise_url, {"description": "A parent described hitting a child."})
    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.source_type == "observation" and concern.team == c["teams"]["cic"]
    assert "Care Team" in client_as(c["users"]["care_manager"]).get("/").text


def test_unknown_sources_and_records_are_404(c):
    qa = client_as(c["users"]["qa_lead"])
    assert qa.get(reverse("concerns:raise", args=["nothing", 1])).status_code == 404
    assert qa.get(reverse("concerns:raise", args=["audit", "999999"])).status_code == 404
    assert qa.get(reverse("concerns:raise", args=["audit", "not-a-number"])).status_code == 404


def test_it_appears_at_once_on_the_home_pages_of_tm_sm_and_every_qa_lead(c):
    concern = _raise(c)
    link = reverse("concerns:detail", args=[concern.pk])
    for key in ("team_manager", "service_manager", "qa_lead", "second_qa"):
        home = client_as(c["users"][key]).get("/")
        assert "Safeguarding concerns awaiting a response" in home.text, key
        assert link in home.text, key
    for key in ("practitioner", "care_manager", "analyst", "administrator", "senior_leader"):
        home = client_as(c["users"][key]).get("/")
        assert link not in home.text, key
    # Once escalated to them, senior leaders see it too.
    services.concerns_escalate_due(now=concern.respond_by + datetime.timedelta(minutes=1))
    concern.refresh_from_db()
    services.concerns_escalate_due(now=concern.respond_by + datetime.timedelta(minutes=1))
    assert Concern.objects.get().level == Level.SENIOR
    assert link in client_as(c["users"]["senior_leader"]).get("/").text


def test_one_list_scoped_by_user_and_404_for_outsiders(c):
    concern = _raise(c)
    link = reverse("concerns:detail", args=[concern.pk])
    list_url = reverse("concerns:list")
    for key in ("team_manager", "service_manager", "qa_lead", "second_qa", "senior_leader"):
        page = client_as(c["users"][key]).get(list_url)
        assert page.status_code == 200 and link in page.text, key
        assert client_as(c["users"][key]).get(link).status_code == 200, key
    # The raiser sees what they raised.
    assert link in client_as(c["users"]["west_manager"]).get(list_url).text
    # Outsiders: a manager of another service's team, the practitioner, the analyst.
    for key in ("care_manager", "practitioner", "analyst"):
        page = client_as(c["users"][key]).get(list_url)
        assert page.status_code == 200 and link not in page.text, key
        assert client_as(c["users"][key]).get(link).status_code == 404, key
    assert client_as(c["users"]["administrator"]).get(list_url).status_code == 403
    assert client_as(c["users"]["administrator"]).get(link).status_code == 404
    # Deadlines are shown.
    due = timezone.localtime(concern.respond_by).strftime("%d/%m/%Y %H:%M")
    assert due in client_as(c["users"]["qa_lead"]).get(list_url).text


def test_viewing_a_concern_about_a_child_is_logged(c):
    concern = _raise(c)
    link = reverse("concerns:detail", args=[concern.pk])
    page = client_as(c["users"]["service_manager"]).get(link)
    assert "E042" in page.text
    entry = AccessLogEntry.objects.get(user=c["users"]["service_manager"], path=link)
    assert entry.person_id == "E042"


def test_the_list_catches_up_with_a_passed_deadline(c):
    concern = _raise(c)
    Concern.objects.filter(pk=concern.pk).update(
        respond_by=timezone.now() - datetime.timedelta(minutes=1)
    )
    client_as(c["users"]["qa_lead"]).get(reverse("concerns:list"))
    assert Concern.objects.get(pk=concern.pk).level == Level.SERVICE


def test_the_raiser_is_refused_and_someone_else_responds_once(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    concern = _raise(c, actor="qa_lead")
    link = reverse("concerns:detail", args=[concern.pk])
    raiser = client_as(c["users"]["qa_lead"])
    page = raiser.get(link)
    assert "Record your response" not in page.text
    assert "You raised this concern" in page.text
    refused = raiser.post(link, {"response": "Sorted."})
    assert refused.status_code == 403 and "You raised this concern" in refused.text
    assert Concern.objects.get().is_open

    # A practitioner's role does not answer concerns (and this one is not theirs to see).
    assert client_as(c["users"]["practitioner"]).post(link, {"response": "x"}).status_code == 404

    tm = client_as(c["users"]["team_manager"])
    sm = client_as(c["users"]["service_manager"])
    sm_form = sm.get(link)  # the service manager opens the form too
    assert "Record your response" in sm_form.text
    assert tm.post(link, {"response": ""}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        assert tm.post(link, {"response": "Child seen today; plan agreed."}).status_code == 302
    late = sm.post(link, {"response": "Strategy meeting called."})
    assert late.status_code == 409
    assert "recorded a response at" in late.text and "Strategy meeting called." in late.text
    concern.refresh_from_db()
    assert concern.response == "Child seen today; plan agreed."
    assert concern.responded_by == c["users"]["team_manager"]
    assert "Child seen today" in raiser.get(link).text
