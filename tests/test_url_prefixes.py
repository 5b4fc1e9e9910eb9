"""Each app's pages live under a prefix naming the app, and the addresses from before the
prefixes still work: a permanent redirect to the same page, keeping the rest of the path and
the query string, with the new page's own gate applied after it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.urls import MOVED
from lineofsight.worklists.tests.snapshots import east_snapshot

from .test_url_matrix import all_url_names

# Namespace -> the prefix its pages live under. Home, the health check and the council's
# stylesheet stay at the root; the admin is Django's own.
PREFIXES = {
    "accounts": "/accounts/",
    "intake": "/imports/",
    "timeliness": "/timescales/",
    "worklists": "/worklists/",
    "children": "/children/",
    "recording": "/recording/",
    "supervision": "/supervision/",
    "audits": "/audits/",
    "actions": "/actions/",
    "themes": "/themes/",
    "indicators": "/indicators/",
    "reports": "/reports/",
    "region": "/region/",
    "practiceweeks": "/practice-weeks/",
    "feedback": "/feedback/",
    "concerns": "/concerns/",
    "framework": "/framework/",
    "standards": "/standards/",
    "workforce": "/workforce/",
    "teams": "/teams/",
    "admin": "/admin/",
}
AT_THE_ROOT = {"home:home", "web:health", "web:council_css"}


def test_every_page_is_under_its_apps_prefix():
    for name, route in all_url_names().items():
        if name in AT_THE_ROOT:
            continue
        namespace = name.split(":", 1)[0]
        assert namespace in PREFIXES, f"{name}: no prefix is known for the {namespace} app"
        assert f"/{route}".startswith(PREFIXES[namespace]), f"{name} is at /{route}"


@pytest.mark.parametrize(("old", "new"), sorted(MOVED.items()))
def test_each_old_prefix_redirects_for_good_keeping_path_and_query(client, old, new):
    response = client.get(f"/{old}rest/of/path/?a=1&b=two%20words")
    assert response.status_code == 301
    assert response["Location"] == f"/{new}rest/of/path/?a=1&b=two%20words"
    assert client.get(f"/{old}")["Location"] == f"/{new}"


def test_a_form_posted_to_an_old_address_is_sent_on_as_a_post(client):
    response = client.post("/sign-in/?next=/worklists/", {"email": "x@example.org"})
    assert response.status_code == 308
    assert response["Location"] == "/accounts/sign-in/?next=/worklists/"


def test_the_old_sign_in_address_reaches_the_sign_in_page(client):
    response = client.get("/sign-in/?next=/audits/", follow=True)
    assert response.redirect_chain == [("/accounts/sign-in/?next=/audits/", 301)]
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse("accounts:sign_in")


def test_following_a_redirect_keeps_the_gate_of_the_new_page(client_for, council):
    """The redirect names no object and checks nothing: the page it leads to does."""
    missing = "/people/grants/999999/"
    leader = client_for("senior_leader")
    response = leader.get(missing, follow=True)
    assert response.redirect_chain == [("/accounts/people/grants/999999/", 301)]
    assert response.status_code == 404
    practitioner = client_for("practitioner")
    response = practitioner.get("/people/grants/", follow=True)
    assert response.redirect_chain == [("/accounts/people/grants/", 301)]
    assert response.status_code == 403
    response = client_for(None).get("/access-log/", follow=True)
    assert response.redirect_chain[0] == ("/accounts/access-log/", 301)
    assert response.request["PATH_INFO"] == reverse("accounts:sign_in")


def test_an_outsider_gets_404_for_a_child_they_may_not_see(client_for, council):
    """A chronology address is the same before and after (/children/...); a child outside the
    user's scope is a 404, never a redirect that would say the child exists."""
    east_snapshot()
    practitioner = client_for("practitioner")
    response = practitioner.get("/children/W1/", follow=True)
    assert response.redirect_chain == []
    assert response.status_code == 404
