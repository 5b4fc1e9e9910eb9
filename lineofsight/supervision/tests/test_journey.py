"""Group reflective supervision, as a team manager uses it: set up a session, bring cases from
the worklist, record the discussion and actions, and see later whether the flags cleared."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry, AccessPurpose
from lineofsight.actions.models import ImprovementAction, SourceType
from lineofsight.history.models import ChangeEvent
from lineofsight.supervision.models import Session, SessionCase
from lineofsight.worklists.tests.snapshots import build_snapshot, east_derived, east_tables

pytestmark = pytest.mark.django_db

# Dates still to come: a date to look again, or a due date, cannot be in the past.
LOOK_AGAIN = timezone.localdate() + datetime.timedelta(days=45)
DUE = timezone.localdate() + datetime.timedelta(days=11)

DISCUSSION = {
    "through_the_eyes_of_the_child": "Amy says the house is loud at night and she is tired.",
    "hypotheses": "Visits keep slipping because the plan has no named lead for school.",
    "working_well": "Grandmother does the school run every day.",
    "worried_about": "No one has seen Amy on her own since April.",
    "needs_to_happen": "Visit this week and see Amy alone at school.",
    "decisions": "Core group to meet within 10 working days.",
    "look_again_on": f"{LOOK_AGAIN:%d/%m/%Y}",
}


def create_session(
    client, council, team: str = "east", held_on: str = "01/07/2024", by: str = "team_manager"
) -> Session:
    facilitator = council["users"][by]
    response = client.post(
        reverse("supervision:session_create"),
        {"team": council["teams"][team].pk, "held_on": held_on, "facilitator": facilitator.pk},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Session.objects.latest("id")


def nominate(client, council, session: Session, *person_ids: str):
    worklist = reverse("worklists:team", kwargs={"team_id": session.team.pk})
    return client.post(
        reverse("supervision:nominate"),
        {"session": session.pk, "person_id": list(person_ids), "next": worklist},
    )


def later_snapshot(as_at: datetime.date, drop: dict[str, set[str]]):
    """East's casework at a later date, without the named flags of the named children."""
    derived = east_derived()
    derived["drift_flags"] = [
        f for f in derived["drift_flags"] if f["flag"] not in drop.get(f["person_id"], set())
    ]
    return build_snapshot(tables=east_tables(), derived=derived, as_at=as_at)


def test_the_whole_journey(client_for, council, east):
    client = client_for("team_manager")

    # The worklist offers no session until one is set up.
    worklist_url = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    assert "Set up a session" in client.get(worklist_url).content.decode()

    session = create_session(client, council)
    assert session.snapshot == east and session.created_by == council["users"]["team_manager"]
    assert list(session.attendees.all()) == [council["users"]["team_manager"]]
    html = client.get(worklist_url).content.decode()
    assert "Bring to supervision" in html and 'name="person_id"' in html

    response = nominate(client, council, session, "E1", "E2", "W1")
    assert response.status_code == 302
    assert response.url == reverse("supervision:session", kwargs={"pk": session.pk})
    cases = {c.person_id: c for c in SessionCase.objects.filter(session=session)}
    assert set(cases) == {"E1", "E2"}  # W1 is another team's child
    assert cases["E1"].frozen_flag_ids == ["visit_overdue", "cp_plan_9m"]
    assert cases["E1"].frozen_flags[0]["since"] == "2024-04-25"
    assert cases["E1"].flags_snapshot == east
    page = client.get(response.url).content.decode()
    assert "not added, because they have no open case in East: W1" in page
    assert "Amy Ashby" in page and "Visit overdue" in page

    # Nominating again adds nothing twice.
    nominate(client, council, session, "E1")
    assert SessionCase.objects.filter(session=session).count() == 2

    # Who attended.
    practitioner = council["users"]["practitioner"]
    response = client.post(
        reverse("supervision:attendees", kwargs={"pk": session.pk}),
        {"attendees": [council["users"]["team_manager"].pk, practitioner.pk]},
    )
    assert response.status_code == 302
    assert practitioner in session.attendees.all()

    # Record the discussion of Amy's case.
    case_url = reverse("supervision:case", kwargs={"pk": cases["E1"].pk})
    page = client.get(case_url).content.decode()
    assert "Through the eyes of the child" in page and 'name="version" value="1"' in page
    response = client.post(case_url, {**DISCUSSION, "version": 1})
    assert response.status_code == 302
    saved = SessionCase.objects.get(pk=cases["E1"].pk)
    assert saved.through_the_eyes_of_the_child.startswith("Amy says")
    assert saved.look_again_on == LOOK_AGAIN
    assert saved.version == 2 and saved.updated_by == council["users"]["team_manager"]
    assert ChangeEvent.objects.filter(action="session_case_record", object_id=str(saved.pk))

    # An action with an owner and a due date.
    response = client.post(
        reverse("supervision:action_create", kwargs={"pk": saved.pk}),
        {
            "issue": "Amy has not been seen alone since April.",
            "action": "Visit Amy at school and see her alone.",
            "owner": practitioner.pk,
            "due_date": f"{DUE:%d/%m/%Y}",
        },
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get(source_type=SourceType.SUPERVISION)
    assert action.source_id == str(saved.pk) and action.person_id == "E1"
    assert action.owner == practitioner and action.due_date == DUE
    assert action.team == council["teams"]["east"]

    summary = client.get(reverse("supervision:session", kwargs={"pk": session.pk})).content
    summary = summary.decode()
    assert "Core group to meet within 10 working days." in summary
    assert "Visit Amy at school and see her alone." in summary
    assert "No casework data from after the session yet." in summary

    # Later snapshots: first the visit is done, then the plan ends too.
    later_snapshot(datetime.date(2024, 7, 31), {"E1": {"visit_overdue"}})
    page = client.get(case_url).content.decode()
    assert "Gone in the data as at 31/07/2024" in page
    assert "Still there as at 31/07/2024" in page
    assert "Not all cleared yet" in page

    later_snapshot(datetime.date(2024, 8, 30), {"E1": {"visit_overdue", "cp_plan_9m"}})
    page = client.get(case_url).content.decode()
    assert "All the flags that brought it had cleared by 30/08/2024" in page
    assert "within 3 months of the session" in page

    # The worklist now notes that Amy was discussed.
    assert "Discussed in group supervision 01/07/2024" in client.get(worklist_url).content.decode()


def test_opening_a_case_is_logged_as_supervision(client_for, council, east):
    client = client_for("team_manager")
    session = create_session(client, council)
    nominate(client, council, session, "E2")
    case = SessionCase.objects.get()

    client.get(reverse("supervision:case", kwargs={"pk": case.pk}))

    entry = AccessLogEntry.objects.get()
    assert entry.person_id == "E2" and entry.purpose == AccessPurpose.SUPERVISION
    assert entry.path == reverse("supervision:case", kwargs={"pk": case.pk})


def test_an_attendee_may_read_the_chronology_of_a_discussed_child(client_for, council, east):
    lead = client_for("team_manager")
    session = create_session(lead, council)
    nominate(lead, council, session, "E2")  # allocated to P-2, not the practitioner
    practitioner = client_for("practitioner")
    chronology = reverse("children:chronology", args=["E2"])

    assert practitioner.get(chronology).status_code == 404
    assert practitioner.get(reverse("supervision:session", args=[session.pk])).status_code == 404
    session.attendees.add(council["users"]["practitioner"])

    assert practitioner.get(chronology).status_code == 200
    entry = AccessLogEntry.objects.get(user=council["users"]["practitioner"])
    assert entry.purpose == AccessPurpose.SUPERVISION
    assert practitioner.get(reverse("supervision:session", args=[session.pk])).status_code == 200
    # Reading is not recording.
    case = SessionCase.objects.get()
    url = reverse("supervision:case", args=[case.pk])
    assert practitioner.post(url, {**DISCUSSION, "version": 1}).status_code == 403


def test_other_teams_sessions_are_out_of_sight(client_for, council, east):
    qa = client_for("qa_lead")
    west = create_session(qa, council, team="west", by="qa_lead")  # QA leads lead any team
    nominate(qa, council, west, "W1")
    case = SessionCase.objects.get()
    client = client_for("team_manager")

    for url in (
        reverse("supervision:session", args=[west.pk]),
        reverse("supervision:attendees", args=[west.pk]),
        reverse("supervision:case", args=[case.pk]),
        reverse("supervision:action_create", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert nominate(client, council, west, "E1").status_code == 404
    assert SessionCase.objects.filter(session=west).count() == 1
    # A team manager cannot set a session up for another team either.
    response = client.post(
        reverse("supervision:session_create"),
        {
            "team": council["teams"]["west"].pk,
            "held_on": "01/07/2024",
            "facilitator": council["users"]["team_manager"].pk,
        },
    )
    assert response.status_code == 400
    assert Session.objects.filter(team=council["teams"]["west"]).count() == 1


def test_service_manager_reads_but_does_not_record(client_for, council, east):
    lead = client_for("team_manager")
    session = create_session(lead, council)
    nominate(lead, council, session, "E1")
    case = SessionCase.objects.get()
    manager = client_for("service_manager")

    assert manager.get(reverse("supervision:session", args=[session.pk])).status_code == 200
    page = manager.get(reverse("supervision:case", args=[case.pk])).content.decode()
    assert "Read the discussion" not in page and "<textarea" not in page
    assert manager.get(reverse("supervision:session_create")).status_code == 403
    assert manager.post(reverse("supervision:case", args=[case.pk]), {}).status_code == 403
    assert nominate(manager, council, session, "E2").status_code == 403


def test_form_errors_are_shown_and_change_nothing(client_for, council, east):
    client = client_for("team_manager")
    response = client.post(
        reverse("supervision:session_create"),
        {"team": council["teams"]["east"].pk, "held_on": "31/02/2024"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and "Enter a real date" in html
    assert not Session.objects.exists()

    session = create_session(client, council)
    response = nominate(client, council, session)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Tick at least one child" in page
    assert not SessionCase.objects.exists()


def test_a_case_with_nothing_recorded_can_be_taken_off(client_for, council, east):
    client = client_for("team_manager")
    session = create_session(client, council)
    nominate(client, council, session, "E1", "E2")
    e1, e2 = SessionCase.objects.order_by("person_id")
    client.post(reverse("supervision:case", args=[e1.pk]), {**DISCUSSION, "version": 1})

    client.post(reverse("supervision:case_remove", args=[e2.pk]))
    client.post(reverse("supervision:case_remove", args=[e1.pk]))

    assert list(SessionCase.objects.values_list("person_id", flat=True)) == ["E1"]
    assert ChangeEvent.objects.filter(action="session_case_remove").count() == 1


def test_session_pages_make_few_database_queries(
    client_for, council, east, django_assert_max_num_queries
):
    client = client_for("team_manager")
    session = create_session(client, council)
    nominate(client, council, session, "E1", "E2", "E5")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("supervision:sessions")).status_code == 200
    with django_assert_max_num_queries(14):  # none per case
        assert client.get(reverse("supervision:session", args=[session.pk])).status_code == 200
