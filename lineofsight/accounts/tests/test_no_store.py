"""Pages and downloads with children's data are never kept by a browser or a proxy."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.middleware import NO_STORE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "url_name", "kwargs"),
    [
        ("practitioner", "home:home", {}),
        ("qa_lead", "accounts:access_log", {}),
        ("qa_lead", "accounts:access_log_export", {}),  # CSV
        ("senior_leader", "accounts:role_grants", {}),
        ("administrator", "admin:index", {}),
        ("team_manager", "no-such-page", {}),  # the 404 page is a page too
    ],
)
def test_pages_and_downloads_are_not_stored(client_for, role, url_name, kwargs):
    url = "/no-such-page/" if url_name == "no-such-page" else reverse(url_name, kwargs=kwargs)
    response = client_for(role).get(url)
    assert response["Cache-Control"] == NO_STORE


def test_worklist_csv_is_not_stored(council, client_for):
    from lineofsight.worklists.tests.snapshots import east_snapshot

    east_snapshot()
    url = reverse("worklists:team_export", kwargs={"team_id": council["teams"]["east"].pk})
    response = client_for("team_manager").get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == NO_STORE


def test_health_check_and_council_stylesheet_keep_their_own_caching(client_for):
    health = client_for(None).get(reverse("web:health"))
    assert "no-store" not in health.get("Cache-Control", "")
    css = client_for("qa_lead").get(reverse("web:council_css"))
    assert css["Cache-Control"] == "public, max-age=300"


def test_sign_in_page_is_not_stored(client):
    assert client.get(reverse("accounts:sign_in"))["Cache-Control"] == NO_STORE
