import re

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import PASSWORD
from lineofsight.accounts.models import SignInAttempt
from lineofsight.accounts.tests.second_factor_helpers import code_now, set_up_app
from lineofsight.accounts.views import SIGN_IN_FAILED

pytestmark = pytest.mark.django_db


def _sign_in(client, email, password, **extra):
    return client.post(reverse("accounts:sign_in"), {"email": email, "password": password}, **extra)


def test_sign_in_and_out(client, council):
    device, _ = set_up_app(council["users"]["practitioner"])
    response = _sign_in(client, "practitioner@example.org", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:second_factor_code")
    response = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    assert response["Location"] == reverse("home:home")
    home = client.get(reverse("home:home"))
    assert home.status_code == 200
    assert "Practitioner Person" in home.text

    out = client.post(reverse("accounts:sign_out"))
    assert out.status_code == 302
    assert client.get(reverse("home:home")).status_code == 302


def test_email_is_case_insensitive(client, council):
    assert _sign_in(client, "  Practitioner@Example.ORG ", PASSWORD).status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_message(client, council):
    wrong = _sign_in(client, "practitioner@example.org", "not-the-password")
    unknown = _sign_in(client, "nobody@example.org", "not-the-password")
    assert wrong.status_code == unknown.status_code == 400
    assert SIGN_IN_FAILED in wrong.text
    assert SIGN_IN_FAILED in unknown.text

    # The pages differ only in the email echoed back into the form.
    def normalised(response, email):
        text = response.text.replace(email, "X")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert normalised(wrong, "practitioner@example.org") == normalised(
        unknown, "nobody@example.org"
    )
    assert SignInAttempt.objects.filter(succeeded=False).count() == 2


def test_repeated_failures_are_throttled_even_with_the_right_password(client, council):
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        assert _sign_in(client, "practitioner@example.org", "wrong").status_code == 400
    blocked = _sign_in(client, "practitioner@example.org", PASSWORD)
    assert blocked.status_code == 429
    assert "too many attempts" in blocked.text
    assert "_auth_user_id" not in client.session


def test_throttling_unknown_emails_looks_the_same(client, council):
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        _sign_in(client, "ghost@example.org", "wrong")
    assert _sign_in(client, "ghost@example.org", "wrong").status_code == 429


def test_failures_on_other_accounts_from_a_shared_address_lock_no_colleague(client, council):
    # A council office (or everyone behind its proxy) shares one address: no lock on the
    # address alone (test_throttle_scope.py has the rest).
    for i in range(settings.SIGNIN_MAX_FAILURES * 4):
        _sign_in(client, f"guess{i}@example.org", "wrong")
    assert _sign_in(client, "practitioner@example.org", PASSWORD).status_code == 302


def test_next_must_be_on_this_site(client, council, settings):
    settings.REQUIRE_SECOND_FACTOR = False  # straight from the password to the page
    response = client.post(
        reverse("accounts:sign_in"),
        {
            "email": "practitioner@example.org",
            "password": PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("home:home")


def test_next_within_the_site_is_followed(client, council):
    device, _ = set_up_app(council["users"]["qa_lead"])
    client.post(
        reverse("accounts:sign_in") + "?next=/accounts/access-log/",
        {"email": "qa_lead@example.org", "password": PASSWORD, "next": "/accounts/access-log/"},
    )
    # Kept through the second factor.
    response = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    assert response["Location"] == "/accounts/access-log/"


def test_blank_form_names_each_field(client, council):
    response = _sign_in(client, "", "")
    assert response.status_code == 400
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text
    assert 'href="#id_email"' in response.text


def test_inactive_user_cannot_sign_in(client, council):
    user = council["users"]["practitioner"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _sign_in(client, user.email, PASSWORD).status_code == 400


def test_session_expires_after_inactivity(client, council, settings):
    settings.REQUIRE_SECOND_FACTOR = False  # signed in by the password alone, to time the session
    _sign_in(client, "practitioner@example.org", PASSWORD)
    client.get(reverse("home:home"))
    assert client.session.get_expiry_age() == settings.SESSION_IDLE_MINUTES * 60
    # Each request pushes the expiry forward: inactivity, not time since sign-in, ends it.
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get(reverse("home:home")).status_code == 302
