"""What other apps show beside an audit tool's sections (web.evidence): the allocated worker's
one-to-one supervision beside the oversight audit's supervision questions, for the auditor; read
beside the questions, never an answer."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.audits.tests import factories
from lineofsight.supervision.tests.helpers import make_one_to_one

pytestmark = pytest.mark.django_db


def _audit(council, tool_key: str):
    qa = council["users"]["qa_lead"]
    programme = factories.programme(qa, tool_key=tool_key)
    return factories.audit(programme, team=council["teams"]["east"], auditor=qa, worker_id="P-1")


def test_the_oversight_audit_shows_the_workers_one_to_one_supervision(client_for, council):
    held = timezone.localdate() - datetime.timedelta(days=20)
    make_one_to_one(council, held)
    audit = _audit(council, "oversight-and-supervision")

    page = client_for("qa_lead").get(reverse("audits:audit_edit", kwargs={"pk": audit.pk}))

    assert page.status_code == 200
    html = page.content.decode()
    assert held.strftime("%d/%m/%Y") in html
    assert "it does not answer them" in html
    # Only dates and timeliness: never what was discussed.
    assert "What the worker brought to supervision" not in html


def test_other_tools_show_no_supervision(client_for, council):
    make_one_to_one(council, timezone.localdate() - datetime.timedelta(days=20))
    audit = _audit(council, "golden-threads")
    html = client_for("qa_lead").get(reverse("audits:audit_edit", kwargs={"pk": audit.pk}))
    assert "it does not answer them" not in html.content.decode()
