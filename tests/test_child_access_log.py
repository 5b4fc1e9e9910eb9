"""Every page and download that names a child writes to the access log.

The walk of every URL as every role (tests/test_url_matrix.py) checks that each child a response
names is logged. Here: lists whose children depend on the user, which the matrix cannot mark for
every role, and an account awaiting approval, which must see no child anywhere.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.models import AccessLogEntry

from .test_url_matrix import _cases, children_named, expectation_for

pytestmark = pytest.mark.django_db

# Lists whose children depend on the user (an empty caseload or sample names no one), so the
# matrix cannot mark them for every role: each is checked here with a user who sees a child.


def _logged(user, path: str) -> set[str]:
    return set(
        AccessLogEntry.objects.filter(user=user, path__startswith=path).values_list(
            "person_id", flat=True
        )
    )


def test_caseload_page_logs_each_child_listed(council, client_for):
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    url = reverse("worklists:mine")
    response = client_for("practitioner").get(url)
    listed = {row.person_id for row in response.context["page"].object_list}
    assert listed  # P-1 holds children in the East snapshot
    assert _logged(council["users"]["practitioner"], url) == listed


def test_team_worklist_logs_only_the_children_on_the_page(council, client_for):
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    url = reverse("worklists:team", kwargs={"team_id": council["teams"]["east"].pk})
    response = client_for("team_manager").get(url)
    listed = {row.person_id for row in response.context["page"].object_list}
    assert listed
    assert _logged(council["users"]["team_manager"], url) == listed


def test_supervision_session_logs_its_children_as_supervision(council, client_for):
    from .url_matrix import _session_kwargs

    kwargs = _session_kwargs(council)
    url = reverse("supervision:session", kwargs=kwargs)
    assert client_for("qa_lead").get(url).status_code == 200
    entries = AccessLogEntry.objects.filter(user=council["users"]["qa_lead"], path=url)
    assert {(e.person_id, e.purpose) for e in entries} == {("E2", "supervision")}


def test_audit_sample_and_my_audits_log_each_child(council, client_for):
    from lineofsight.audits.models import Audit
    from lineofsight.audits.tests import matrix as audit_matrix

    audit = Audit.objects.get(pk=audit_matrix.submitted_audit(council)["pk"])
    sample = reverse("audits:programme_detail", kwargs={"pk": audit.programme_id})
    assert client_for("qa_lead").get(sample).status_code == 200
    assert audit.person_id in _logged(council["users"]["qa_lead"], sample)
    mine = reverse("audits:my_audits")
    assert client_for("team_manager").get(mine).status_code == 200  # the auditor
    assert audit.person_id in _logged(council["users"]["team_manager"], mine)


# Separation of duties: an account whose role is awaiting a senior leader's approval sees no
# child anywhere. Every URL is opened as the team manager after their role has been withdrawn
# for approval: no page names a known child, and nothing is written to the access log.
PENDING_CASES = [
    pytest.param(name, route, id=name)
    for (name, route, viewer) in (c.values for c in _cases())
    if viewer == "team_manager" and not name.startswith("admin:")
]


@pytest.mark.parametrize(("name", "route"), PENDING_CASES)
def test_an_account_awaiting_approval_sees_no_child(name, route, council, client_for):
    exp = expectation_for(name)
    kwargs = exp.kwargs(council) if exp.kwargs else {}
    manager = council["users"]["team_manager"]
    type(manager).objects.filter(pk=manager.pk).update(approved_role="")
    response = client_for("team_manager").get(reverse(name, kwargs=kwargs))
    assert not AccessLogEntry.objects.filter(user=manager).exists(), f"{name} logged a child"
    if response.status_code != 200:
        return  # refused: the policy's answer for a role that sees no child
    named = children_named(name, response)
    assert not named, f"{name} shows {sorted(named)} to an account awaiting approval"
    assert not exp.child_record, f"{name} answered 200 to an account awaiting approval"
