"""The sign-in lock is on the account and the address together: a stranger's wrong passwords
cannot lock a colleague out; refusals while locked do not extend it; success and a new password
clear it; it expires; old attempts are purged."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from lineofsight.accounts import services
from lineofsight.accounts.models import SignInAttempt
from lineofsight.accounts.tests.second_factor_helpers import code_now, set_up_app
from lineofsight.history.services import capture
from lineofsight.operations import purge

pytestmark = pytest.mark.django_db

EMAIL = "practitioner@example.org"
STRANGER = "203.0.113.66"
DESK = "198.51.100.7"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _sign_in(client: Client, password: str, email: str = EMAIL):
    return client.post(reverse("accounts:sign_in"), {"email": email, "password": password})


def _fail_until_locked(client: Client) -> None:
    for _ in range(settings.SIGNIN_MAX_FAILURES):
        assert _sign_in(client, "wrong").status_code == 400


def test_a_strangers_wrong_passwords_do_not_lock_the_person_out(council):
    _fail_until_locked(_client(STRANGER))
    assert _sign_in(_client(STRANGER), PASSWORD).status_code == 429
    # The person at their own desk still signs in.
    assert _sign_in(_client(DESK), PASSWORD).status_code == 302


def test_behind_the_proxy_a_stranger_on_the_internet_does_not_lock_the_council_out(
    council, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    stranger = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=STRANGER)
    colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=DESK)
    _fail_until_locked(stranger)
    assert _sign_in(stranger, PASSWORD).status_code == 429
    assert _sign_in(colleague, PASSWORD).status_code == 302


def test_a_locked_pair_is_refused_even_with_the_right_password(council):
    client = _client(DESK)
    _fail_until_locked(client)
    refused = _sign_in(client, PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_refusals_while_locked_do_not_extend_the_lock(council):
    client = _client(DESK)
    _fail_until_locked(client)
    # Age the failures to just inside the window, then keep knocking.
    almost = timezone.now() - datetime.timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES - 1)
    SignInAttempt.objects.update(at=almost)
    for _ in range(3):
        assert _sign_in(client, "wrong").status_code == 429
    refused = SignInAttempt.objects.filter(at__gt=almost)
    assert refused.count() == 3 and not refused.filter(counts=True).exists()
    # The lock ends when the failures that caused it leave the window, not later.
    expired = timezone.now() - datetime.timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES + 1)
    SignInAttempt.objects.filter(at=almost).update(at=expired)
    assert _sign_in(client, PASSWORD).status_code == 302


def test_the_lock_expires(council):
    client = _client(DESK)
    _fail_until_locked(client)
    assert services.signin_is_throttled(email=EMAIL, ip_address=DESK)
    past = timezone.now() - datetime.timedelta(minutes=settings.SIGNIN_LOCKOUT_MINUTES + 1)
    SignInAttempt.objects.update(at=past)
    assert not services.signin_is_throttled(email=EMAIL, ip_address=DESK)


def test_a_successful_sign_in_resets_the_count_for_that_address(council, settings):
    settings.REQUIRE_SECOND_FACTOR = False
    client = _client(DESK)
    for _ in range(settings.SIGNIN_MAX_FAILURES - 1):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302
    client.post(reverse("accounts:sign_out"))
    # Without the reset, one more failure would lock the pair.
    assert _sign_in(client, "wrong").status_code == 400
    assert not services.signin_is_throttled(email=EMAIL, ip_address=DESK)


def test_the_right_password_alone_does_not_reset_the_count_for_codes(council):
    # Otherwise someone with the password could try codes for ever, re-entering it between.
    device, _ = set_up_app(council["users"]["practitioner"])
    client = _client(DESK)
    for _ in range(settings.SIGNIN_MAX_FAILURES - 1):
        _sign_in(client, "wrong")
    assert _sign_in(client, PASSWORD).status_code == 302  # on to the code page
    wrong = client.post(reverse("accounts:second_factor_code"), {"code": "000000"})
    assert wrong.status_code == 400
    refused = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device)})
    assert refused.status_code == 429


def test_the_code_completes_the_sign_in_and_resets_the_count(council):
    device, _ = set_up_app(council["users"]["practitioner"])
    client = _client(DESK)
    for _ in range(settings.SIGNIN_MAX_FAILURES - 1):
        _sign_in(client, "wrong")
    _sign_in(client, PASSWORD)
    done = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, 1)})
    assert done.status_code == 302
    assert not SignInAttempt.objects.filter(counts=True).exists()


def test_a_new_password_resets_the_lock_from_every_address(council):
    _fail_until_locked(_client(STRANGER))
    _fail_until_locked(_client(DESK))
    user = council["users"]["practitioner"]
    before = capture(user, services.USER_FIELDS)
    services.user_update(
        actor=council["users"]["administrator"], user=user, before=before, password="A-new-one-42!x"
    )
    assert not services.signin_is_throttled(email=EMAIL, ip_address=STRANGER)
    assert not services.signin_is_throttled(email=EMAIL, ip_address=DESK)
    # The attempts themselves stay, as the record of access.
    assert SignInAttempt.objects.count() == 2 * settings.SIGNIN_MAX_FAILURES


def test_old_attempts_are_purged(council, settings):
    settings.SIGNIN_ATTEMPT_DAYS = 30
    now = timezone.now()
    services.signin_attempt_record(email=EMAIL, ip_address=DESK, succeeded=True)
    services.signin_attempt_record(email=EMAIL, ip_address=DESK, succeeded=False)
    SignInAttempt.objects.filter(succeeded=False).update(at=now - datetime.timedelta(days=31))
    result = purge.purge_expired(now=now)
    assert result.signin_attempts == 1
    assert list(SignInAttempt.objects.values_list("succeeded", flat=True)) == [True]
