import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts.models import AccessLogEntry, AccessPurpose
from lineofsight.accounts.services import access_log_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(council):
    users = council["users"]
    a = access_log_record(user=users["practitioner"], person_id="C-100", path="/c/C-100/")
    b = access_log_record(
        user=users["team_manager"],
        person_id="C-200",
        purpose=AccessPurpose.SUPERVISION,
        path="/c/C-200/",
    )
    old = access_log_record(user=users["qa_lead"], person_id="C-100", purpose=AccessPurpose.AUDIT)
    old.at = timezone.now() - datetime.timedelta(days=40)
    old.save(update_fields=["at"])
    return a, b, old


def test_record_refuses_an_unknown_purpose(council):
    with pytest.raises(ValueError, match="Unknown access purpose"):
        access_log_record(user=council["users"]["practitioner"], person_id="C-1", purpose="fun")
    assert AccessLogEntry.objects.count() == 0


def test_qa_lead_searches_by_child(client_for, entries):
    response = client_for("qa_lead").get(reverse("accounts:access_log"), {"person_id": "C-100"})
    assert response.status_code == 200
    shown = list(response.context["page"])
    assert {e.person_id for e in shown} == {"C-100"}
    assert len(shown) == 2


def test_search_by_user_and_dates(client_for, entries):
    today = timezone.localdate()
    response = client_for("administrator").get(
        reverse("accounts:access_log"),
        {"user": "team_manager@", "date_from": (today - datetime.timedelta(days=1)).isoformat()},
    )
    shown = list(response.context["page"])
    assert [e.person_id for e in shown] == ["C-200"]

    older = client_for("qa_lead").get(
        reverse("accounts:access_log"),
        {"date_to": (today - datetime.timedelta(days=30)).isoformat()},
    )
    assert [e.purpose for e in older.context["page"]] == [AccessPurpose.AUDIT]


def test_bad_dates_are_explained_and_nothing_is_listed(client_for, entries):
    # A filter that cannot be used is an error (400), never the whole log as if unfiltered.
    client = client_for("qa_lead")
    response = client.get(
        reverse("accounts:access_log"), {"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert "The to date must be the same as or after the from date" in response.text
    assert response.context["page"].paginator.count == 0
    not_a_date = client.get(reverse("accounts:access_log"), {"date_from": "31/02/2026"})
    assert not_a_date.status_code == 400
    assert "Enter the from date as a real date" in not_a_date.text
    assert 'value="31/02/2026"' in not_a_date.text  # shown back as typed
    export = client.get(reverse("accounts:access_log_export"), {"date_from": "31/02/2026"})
    assert export.status_code == 400 and b"Nothing was exported" in export.content


def test_csv_export_uses_the_same_filters(client_for, entries):
    response = client_for("qa_lead").get(
        reverse("accounts:access_log_export"), {"person_id": "C-100"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["when", "user_email", "user_name", "person_id", "purpose", "page"]
    assert sorted(r[3] for r in rows[1:]) == ["C-100", "C-100"]


@pytest.mark.parametrize(
    "role", ["practitioner", "team_manager", "service_manager", "senior_leader", "analyst"]
)
def test_other_roles_get_403(client_for, entries, role):
    assert client_for(role).get(reverse("accounts:access_log")).status_code == 403
    assert client_for(role).get(reverse("accounts:access_log_export")).status_code == 403
