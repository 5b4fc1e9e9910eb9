"""A person changes their own password: the current one first (counted by the sign-in throttle),
the product's rules for the new one, every other session ended and this one kept; and new
recovery codes need the password again."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from lineofsight.accounts import second_factor as sf
from lineofsight.accounts import services
from lineofsight.accounts.forms_password import PASSWORDS_DIFFER
from lineofsight.accounts.models import Role, SignInAttempt, User, UserSession
from lineofsight.accounts.tests.second_factor_helpers import set_up_app, signed_in_client
from lineofsight.history.models import ChangeEvent

pytestmark = pytest.mark.django_db

URL = "/accounts/password/"
NEW = "a-much-longer-passphrase-91"
ADDRESS = "198.51.100.7"


def _signed_in(user: User, *, address: str = ADDRESS) -> Client:
    return signed_in_client(user, PASSWORD, REMOTE_ADDR=address)


def _change(client: Client, current: str = PASSWORD, new: str = NEW, again: str | None = None):
    return client.post(
        URL,
        {
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def _failures(user: User) -> int:
    return SignInAttempt.objects.filter(email=user.email, succeeded=False, counts=True).count()


def _password_still(user: User, password: str) -> bool:
    user.refresh_from_db()
    return user.check_password(password)


@pytest.fixture
def person(council):
    user = council["users"]["team_manager"]
    set_up_app(user)
    return user


def test_the_page_is_named_in_the_account_bar_and_has_the_three_fields(client_for):
    page = client_for("practitioner").get(URL)
    assert page.status_code == 200
    assert f'href="{URL}">Change your password</a>' in page.text
    for name, autocomplete in (
        ("current_password", "current-password"),
        ("new_password", "new-password"),
        ("new_password_again", "new-password"),
    ):
        tag = re.search(rf'<input[^>]* name="{name}"[^>]*>', page.text)
        assert tag, name
        assert 'type="password"' in tag.group(0)
        assert f'autocomplete="{autocomplete}"' in tag.group(0)
        assert f'<label class="govuk-label" for="id_{name}">' in page.text


def test_changing_the_password_ends_the_other_sessions_and_keeps_this_one(person):
    here = _signed_in(person)
    elsewhere = _signed_in(person, address="203.0.113.9")
    key_before = here.cookies["sessionid"].value

    response = _change(here)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:sessions")
    assert _password_still(person, NEW)
    # This browser carries on, under a new session key, and is still on the person's list.
    key_after = here.cookies["sessionid"].value
    assert key_after != key_before
    assert not Session.objects.filter(session_key=key_before).exists()
    assert list(UserSession.objects.filter(user=person).values_list("session_key", flat=True)) == [
        key_after
    ]
    page = here.get(reverse("accounts:sessions"))
    assert page.status_code == 200
    assert "Your password has been changed. 1 other session ended" in page.text
    assert here.get(reverse("home:home")).status_code == 200
    # The other browser is signed out.
    assert elsewhere.get(reverse("home:home")).status_code == 302
    [event] = ChangeEvent.objects.filter(
        action="user_password_change", object_type="accounts.user", object_id=str(person.pk)
    )
    assert event.actor_id == person.pk
    assert "(changed by the person)" in str(event.changes)
    assert PASSWORD not in str(event.changes) and NEW not in str(event.changes)
    ended = ChangeEvent.objects.get(action="user_sessions_end_all")
    assert "1 (password changed)" in str(ended.changes)
    # And the new password signs in; the old one does not.
    assert Client().login(email=person.email, password=NEW)
    assert not Client().login(email=person.email, password=PASSWORD)


def test_a_wrong_current_password_changes_nothing_and_counts_as_a_failed_sign_in(person):
    here = _signed_in(person)
    elsewhere = _signed_in(person, address="203.0.113.9")

    response = _change(here, current="not-my-password-at-all")

    assert response.status_code == 400
    assert "Error: Change your password" in response.text
    assert services.REAUTHENTICATION_REFUSED in response.text
    assert 'href="#id_current_password"' in response.text  # the summary leads to the field
    assert 'id="id_current_password-error"' in response.text
    assert _password_still(person, PASSWORD)
    assert _failures(person) == 1
    assert SignInAttempt.objects.get(succeeded=False).ip_address == ADDRESS
    assert UserSession.objects.filter(user=person).count() == 2
    assert elsewhere.get(reverse("home:home")).status_code == 200
    assert not ChangeEvent.objects.filter(action="user_password_change").exists()


def test_wrong_current_passwords_lock_the_page_as_they_lock_sign_in(person):
    here = _signed_in(person)
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        assert _change(here, current="not-my-password-at-all").status_code == 400
    # Locked: even the right password is refused, with the sign-in page's words.
    locked = _change(here)
    assert locked.status_code == 429
    assert "There have been too many attempts to sign in" in locked.text
    assert _password_still(person, PASSWORD)
    # And the sign-in page, from the same address, is locked too.
    again = Client(REMOTE_ADDR=ADDRESS).post(
        reverse("accounts:sign_in"), {"email": person.email, "password": PASSWORD}
    )
    assert again.status_code == 429


def test_a_weak_new_password_is_refused_with_the_rule_it_breaks(person):
    here = _signed_in(person)
    short = _change(here, new="short-one")
    assert short.status_code == 400
    assert "at least 12 characters" in short.text
    assert 'id="id_new_password-error"' in short.text
    common = _change(here, new="password1234")
    assert common.status_code == 400
    assert "too common" in common.text
    assert _password_still(person, PASSWORD)
    # Nothing about the current password was checked, so nothing was counted.
    assert _failures(person) == 0
    assert UserSession.objects.filter(user=person).count() == 1


def test_the_new_password_twice_must_match(person):
    here = _signed_in(person)
    response = _change(here, again=NEW + "x")
    assert response.status_code == 400
    assert PASSWORDS_DIFFER in response.text
    assert 'id="id_new_password_again-error"' in response.text
    assert _password_still(person, PASSWORD)


def test_the_service_itself_refuses_a_weak_password_and_a_wrong_current_one(person):
    with pytest.raises(services.ServiceError) as weak:
        services.user_password_change(
            user=person,
            current_password=PASSWORD,
            new_password="short",
            ip_address=ADDRESS,
            keep_session_key=None,
        )
    assert weak.value.field == "new_password"
    with pytest.raises(services.ServiceError) as wrong:
        services.user_password_change(
            user=person,
            current_password="wrong-wrong-wrong",
            new_password=NEW,
            ip_address=ADDRESS,
            keep_session_key=None,
        )
    assert wrong.value.field == "current_password"
    assert _password_still(person, PASSWORD)
    assert _failures(person) == 1


def test_an_account_that_signs_in_only_through_the_council_has_nothing_to_change(council):
    person = services.user_create(
        actor=None,
        email="single.sign.on@example.org",
        full_name="Single Sign-On Person",
        role=Role.ANALYST,
        password=None,
    )
    assert not person.has_usable_password()
    client = Client()
    client.force_login(person)
    page = client.get(URL)
    assert page.status_code == 200
    assert "managed by your council's sign-in" in page.text
    assert 'name="current_password"' not in page.text
    assert f'href="{URL}"' not in page.text  # nor offered in the account bar
    refused = client.post(
        URL,
        {"current_password": "", "new_password": NEW, "new_password_again": NEW},
    )
    assert refused.status_code == 403
    person.refresh_from_db()
    assert not person.has_usable_password()
    with pytest.raises(services.ServiceError):
        services.user_password_change(
            user=person,
            current_password="",
            new_password=NEW,
            ip_address=None,
            keep_session_key=None,
        )


def test_nobody_signed_in_is_sent_to_sign_in(council):
    for response in (Client().get(URL), Client().post(URL, {"current_password": PASSWORD})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:sign_in"))
    person = council["users"]["practitioner"]
    assert _password_still(person, PASSWORD)


# --- new recovery codes need the password again -------------------------------------------------


def _make_codes(client: Client, password: str | None):
    return client.post(
        reverse("accounts:second_factor"), {} if password is None else {"password": password}
    )


def test_new_recovery_codes_are_refused_without_the_right_password(person):
    _, old = set_up_app(person)
    here = _signed_in(person)
    page = here.get(reverse("accounts:second_factor"))
    assert '<label class="govuk-label" for="id_password">Your password</label>' in page.text

    missing = _make_codes(here, None)
    assert missing.status_code == 400
    assert "Enter your password" in missing.text
    wrong = _make_codes(here, "not-my-password-at-all")
    assert wrong.status_code == 400
    assert services.REAUTHENTICATION_REFUSED in wrong.text
    assert 'href="#id_password"' in wrong.text
    assert "recovery-codes" not in wrong.text
    assert _failures(person) == 1
    # The old codes still work, and no new ones were recorded.
    assert sf.recovery_codes_left(user=person) == 10
    assert sf.second_factor_check(user=person, code=old[0]) is not None
    assert not ChangeEvent.objects.filter(action="recovery_codes_replace").exists()


def test_new_recovery_codes_are_made_with_the_right_password(person):
    _, old = set_up_app(person)
    here = _signed_in(person)
    page = _make_codes(here, PASSWORD)
    assert page.status_code == 200
    new = re.findall(r"<li><code[^>]*>([0-9a-z]{4}(?:-[0-9a-z]{4}){3})</code></li>", page.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert sf.second_factor_check(user=person, code=old[0]) is None
    assert ChangeEvent.objects.filter(action="recovery_codes_replace").count() == 1
    assert _failures(person) == 0


def test_new_recovery_codes_are_refused_while_locked(person):
    set_up_app(person)
    here = _signed_in(person)
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        _make_codes(here, "not-my-password-at-all")
    locked = _make_codes(here, PASSWORD)
    assert locked.status_code == 429
    assert "There have been too many attempts to sign in" in locked.text
    assert not ChangeEvent.objects.filter(action="recovery_codes_replace").exists()


@pytest.mark.parametrize("role", [None, *Role.values])
def test_each_role_has_the_page_and_nobody_is_sent_to_sign_in(role, client_for):
    # The address as the url matrix expects it: 200 for every role, 302 for nobody.
    response = client_for(role).get(URL)
    assert response.status_code == (302 if role is None else 200)
