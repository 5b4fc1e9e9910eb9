"""Raising, escalating and answering safeguarding concerns: who is told, by email, at each step;
deadlines passing (time passed in as `now`); the response by someone other than the raiser."""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from lineofsight.concerns import services
from lineofsight.concerns.models import Concern, ConcernNotice, Level, Step
from lineofsight.history.models import ChangeEvent

from .helpers import concern_council

pytestmark = pytest.mark.django_db

MONDAY = timezone.make_aware(datetime.datetime(2026, 3, 9, 10, 0))


@pytest.fixture
def c(council):
    return concern_council(council)


def _raise_from_audit(c, capture, *, actor=None, now=MONDAY) -> Concern:
    with capture(execute=True):
        return services.concern_raise(
            actor=actor or c["users"]["west_manager"],
            source_type="audit",
            source_id=str(c["audit"].pk),
            description="Bruising seen at the last visit was not followed up.",
            now=now,
        )


def _recipients(outbox) -> set[str]:
    return {address for message in outbox for address in message.to}


def test_a_concern_from_an_audit_goes_at_once_to_managers_and_every_qa_lead(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    concern = _raise_from_audit(c, django_capture_on_commit_callbacks)
    u = c["users"]
    assert concern.source_title == f"Case-file audit {c['audit'].reference}"
    assert (concern.person_id, concern.team, concern.level) == ("E042", c["teams"]["east"], 1)
    # 24 working hours from Monday 10:00.
    assert concern.respond_by == MONDAY + datetime.timedelta(hours=24)
    told = {u[k].email for k in ("team_manager", "service_manager", "qa_lead", "second_qa")}
    assert _recipients(mailoutbox) == told
    assert len(mailoutbox) == 4
    assert all("response needed by 10:00 on 10/03/2026" in m.subject for m in mailoutbox)
    body = mailoutbox[0].body
    assert f"/concerns/{concern.pk}/" in body
    # Email leaves the council's systems: no child id, no description.
    assert "E042" not in body and "Bruising" not in body
    assert ConcernNotice.objects.filter(concern=concern, sent_at__isnull=True).count() == 0
    event = ChangeEvent.objects.get(action="concern_raise", object_id=str(concern.pk))
    assert event.actor == u["west_manager"]


def test_a_concern_from_an_observation_goes_to_the_observed_teams_manager(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    assessor = c["users"]["service_manager"]  # visits the Care Team, outside their service
    with django_capture_on_commit_callbacks(execute=True):
        concern = services.concern_raise(
            actor=assessor,
            source_type="observation",
            source_id=str(c["visit"].pk),
            description="A parent described hitting the youngest child.",
            now=MONDAY,
        )
    assert concern.team == c["teams"]["cic"] and concern.person_id == ""
    assert concern.source_title.startswith("Practice-week observation of Care Team")
    u = c["users"]
    assert _recipients(mailoutbox) == {
        u["care_manager"].email,
        u["qa_lead"].email,
        u["second_qa"].email,
    }


def test_only_the_auditor_or_qa_may_raise_and_outsiders_get_404(c):
    u = c["users"]
    audit, visit = ("audit", str(c["audit"].pk)), ("observation", str(c["visit"].pk))

    def attempt(who: str, source: tuple[str, str], description: str = "x") -> None:
        services.concern_raise(
            actor=u[who], source_type=source[0], source_id=source[1], description=description
        )

    # The service manager sees the East audit but did not do it.
    with pytest.raises(services.ConcernError, match="may not raise"):
        attempt("service_manager", audit)
    # The analyst cannot see the audit at all.
    with pytest.raises(Http404):
        attempt("analyst", audit)
    # Only the visit's assessor (or QA) raises from an observation.
    with pytest.raises(services.ConcernError, match="may not raise"):
        attempt("senior_leader", visit)
    with pytest.raises(services.ConcernError, match="Describe"):
        attempt("qa_lead", audit, " ")
    assert not Concern.objects.exists()


def test_a_passing_deadline_escalates_up_the_line_once(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    concern = _raise_from_audit(c, django_capture_on_commit_callbacks)
    u = c["users"]
    mailoutbox.clear()

    # Not yet due: nothing happens.
    with django_capture_on_commit_callbacks(execute=True):
        run = services.concerns_escalate_due(now=concern.respond_by - datetime.timedelta(minutes=1))
    assert run.escalated == [] and mailoutbox == []

    # Due: to the service manager and the QA leads, with a new deadline.
    later = concern.respond_by + datetime.timedelta(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.concerns_escalate_due(now=later)
    concern.refresh_from_db()
    assert [e.pk for e in run.escalated] == [concern.pk]
    assert concern.level == Level.SERVICE and concern.escalated_at == later
    assert concern.respond_by == later + datetime.timedelta(hours=24)
    assert _recipients(mailoutbox) == {
        u["service_manager"].email,
        u["qa_lead"].email,
        u["second_qa"].email,
    }
    assert all("escalated" in m.subject for m in mailoutbox)

    # Run again at the same moment: nothing more (safe from cron).
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.concerns_escalate_due(now=later).escalated == []
    assert mailoutbox == []

    # The next deadline passes: to the senior leaders and the QA leads.
    last = concern.respond_by + datetime.timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.concerns_escalate_due(now=last)
    concern.refresh_from_db()
    assert concern.level == Level.SENIOR
    assert _recipients(mailoutbox) == {
        u["senior_leader"].email,
        u["qa_lead"].email,
        u["second_qa"].email,
    }
    # There is nobody above the senior leaders: later runs change nothing.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.concerns_escalate_due(now=last + datetime.timedelta(days=10))
    assert mailoutbox == [] and Concern.objects.get(pk=concern.pk).level == Level.SENIOR
    actions = list(
        ChangeEvent.objects.filter(object_id=str(concern.pk), object_type="concerns.concern")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["concern_raise", "concern_escalate", "concern_escalate"]


def test_the_command_escalates_and_is_idempotent(c, django_capture_on_commit_callbacks):
    concern = _raise_from_audit(c, django_capture_on_commit_callbacks)
    after = concern.respond_by + datetime.timedelta(hours=1)
    out = io.StringIO()
    with mock.patch("django.utils.timezone.now", return_value=after):
        call_command("escalate_concerns", stdout=out)
        call_command("escalate_concerns", stdout=out)
    text = out.getvalue()
    assert "1 concern(s) escalated" in text and "0 concern(s) escalated" in text
    assert Concern.objects.get(pk=concern.pk).level == Level.SERVICE


def test_the_raiser_cannot_respond_and_a_second_response_is_refused(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    u = c["users"]
    concern = _raise_from_audit(c, django_capture_on_commit_callbacks, actor=u["qa_lead"])
    with pytest.raises(services.ConcernError, match="You raised this concern"):
        services.concern_respond(actor=u["qa_lead"], concern=concern, response="Done.")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.concern_respond(
            actor=u["team_manager"], concern=concern, response="Child seen today; plan agreed."
        )
    concern.refresh_from_db()
    assert concern.responded_by == u["team_manager"] and not concern.is_open
    # The raiser and everyone told before, except the responder.
    assert _recipients(mailoutbox) == {
        u["qa_lead"].email,
        u["service_manager"].email,
        u["second_qa"].email,
    }
    assert all(m.subject == "Safeguarding concern answered" for m in mailoutbox)
    with pytest.raises(
        services.ConcernAlreadyAnswered, match=f"{u['team_manager'].full_name} recorded"
    ):
        services.concern_respond(actor=u["service_manager"], concern=concern, response="Again.")
    concern.refresh_from_db()
    assert concern.response == "Child seen today; plan agreed."
    assert ChangeEvent.objects.filter(action="concern_respond").count() == 1
    # An answered concern is never escalated.
    assert (
        services.concerns_escalate_due(
            now=concern.respond_by + datetime.timedelta(days=5)
        ).escalated
        == []
    )


def test_an_email_that_fails_is_sent_again_by_the_next_run(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    with mock.patch("lineofsight.concerns.notify.send_mail", side_effect=OSError("no server")):
        concern = _raise_from_audit(c, django_capture_on_commit_callbacks)
    assert mailoutbox == []
    assert ConcernNotice.objects.filter(concern=concern, sent_at__isnull=True).count() == 4
    run = services.concerns_escalate_due(now=MONDAY + datetime.timedelta(hours=1))
    assert run.emails_sent == 4 and len(mailoutbox) == 4
    assert not ConcernNotice.objects.filter(sent_at__isnull=True).exists()
    assert services.concerns_escalate_due(now=MONDAY + datetime.timedelta(hours=1)).emails_sent == 0


def test_a_team_without_a_manager_starts_with_the_service_manager(
    c, django_capture_on_commit_callbacks, mailoutbox
):
    c["users"]["team_manager"].memberships.all().delete()
    concern = _raise_from_audit(c, django_capture_on_commit_callbacks)
    assert concern.level == Level.SERVICE
    notice = ConcernNotice.objects.get(concern=concern, user=c["users"]["service_manager"])
    assert notice.step == Step.RAISED and notice.level == Level.SERVICE


def test_a_manager_who_raises_a_concern_on_their_own_team_is_not_the_one_to_answer_it(
    c, django_capture_on_commit_callbacks
):
    # The East team manager is the East file's only team manager: the service manager answers.
    c["audit"].auditor = c["users"]["team_manager"]
    c["audit"].save(update_fields=["auditor"])
    concern = _raise_from_audit(
        c, django_capture_on_commit_callbacks, actor=c["users"]["team_manager"]
    )
    assert concern.level == Level.SERVICE
