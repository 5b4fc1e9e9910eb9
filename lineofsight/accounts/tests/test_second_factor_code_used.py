"""A code from the app works once. Given again while the app still shows it (a second sign-in
within the same 30 seconds, a button pressed twice) it is refused, with a message that says so
rather than that the code is wrong; only that very code hears it, and a wrong code, an old one
or any code while the device is refusing every code still hears "not correct"."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone
from django_otp.oath import hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from lineofsight.accounts import second_factor as sf
from lineofsight.accounts.models import SignInAttempt, User
from lineofsight.accounts.tests.second_factor_helpers import (
    at_code_page,
    code_now,
    give_code,
    set_up_app,
    signed_in,
)
from lineofsight.web.errors import ServiceError

pytestmark = pytest.mark.django_db

NOT_CORRECT = "The code is not correct"


def _step_now(device: TOTPDevice) -> int:
    return int((time.time() - device.t0) // device.step) + device.drift


def _code_of(device: TOTPDevice, step: int) -> str:
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def _used_code(device: TOTPDevice) -> str:
    """The code the device accepted last (from its time step, so the clock moving on to the
    next 30 seconds during a test changes nothing)."""
    device.refresh_from_db()
    return _code_of(device, device.last_t)


def _next_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    return _code_of(device, device.last_t + 1)


def _failures(user: User) -> int:
    return SignInAttempt.objects.filter(email=user.email, succeeded=False).count()


def test_the_code_just_used_is_refused_with_its_own_message_and_counted(council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)  # set up with the code the app shows now
    client = at_code_page(user, PASSWORD)

    response = give_code(client, _used_code(device))

    assert response.status_code == 400
    assert sf.CODE_ALREADY_USED in response.text
    assert NOT_CORRECT not in response.text
    assert 'href="#id_code"' in response.text
    assert not signed_in(client)
    assert _failures(user) == 1
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the library's own count is kept


def test_signing_in_twice_with_one_code_refuses_the_second(council):
    user = council["users"]["qa_lead"]
    device, _ = set_up_app(user)
    fresh = _next_code(device)  # the app's next code, not used yet
    first = at_code_page(user, PASSWORD)
    assert give_code(first, fresh).status_code == 302
    assert signed_in(first)

    second = at_code_page(user, PASSWORD)
    response = give_code(second, fresh)

    assert response.status_code == 400
    assert sf.CODE_ALREADY_USED in response.text
    assert not signed_in(second)


def test_a_new_code_works_after_the_used_one_was_refused(council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    client = at_code_page(user, PASSWORD)
    assert give_code(client, _used_code(device)).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # the library's own short delay after a refused code aside

    response = give_code(client, _next_code(device))

    assert response.status_code == 302
    assert signed_in(client)


def test_a_wrong_code_still_hears_it_is_not_correct(council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    wrong = f"{(int(_used_code(device)) + 1) % 1_000_000:06d}"
    client = at_code_page(user, PASSWORD)

    response = give_code(client, wrong)

    assert response.status_code == 400
    assert NOT_CORRECT in response.text
    assert sf.CODE_ALREADY_USED not in response.text
    assert _failures(user) == 1


def test_the_code_of_a_step_used_long_ago_is_not_said_to_be_just_used(council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    long_ago = _step_now(device) - 10
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=long_ago)
    client = at_code_page(user, PASSWORD)

    response = give_code(client, _code_of(device, long_ago))

    assert response.status_code == 400
    assert NOT_CORRECT in response.text
    assert sf.CODE_ALREADY_USED not in response.text


def test_while_the_device_refuses_every_code_nothing_is_said_to_be_just_used(council):
    user = council["users"]["practitioner"]
    device, _ = set_up_app(user)
    # Refused codes in a row: django-otp now waits minutes before it checks another.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=10, throttling_failure_timestamp=timezone.now()
    )
    client = at_code_page(user, PASSWORD)

    response = give_code(client, _used_code(device))

    assert response.status_code == 400
    assert sf.CODE_ALREADY_USED not in response.text
    device.refresh_from_db()
    assert device.throttling_failure_count == 10  # not checked, so not counted either


def test_set_up_follows_the_same_rule(council):
    user = council["users"]["practitioner"]
    device = sf.app_setup_start(user=user)
    # As if this very code had been accepted a moment ago.
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=_step_now(device))

    with pytest.raises(ServiceError) as refused:
        sf.app_setup_confirm(user=user, device=device, code=_used_code(device))

    assert refused.value.message == sf.CODE_ALREADY_USED
    assert refused.value.field == "code"
    device.refresh_from_db()
    assert device.confirmed is False
    assert device.throttling_failure_count == 1


def test_a_wrong_code_at_set_up_counts_against_the_device(council):
    user = council["users"]["practitioner"]
    device = sf.app_setup_start(user=user)
    wrong = f"{(int(code_now(device)) + 1) % 1_000_000:06d}"

    with pytest.raises(ServiceError) as refused:
        sf.app_setup_confirm(user=user, device=device, code=wrong)

    assert refused.value.message == sf.CODE_NOT_ACCEPTED
    device.refresh_from_db()
    assert device.confirmed is False
    assert device.throttling_failure_count == 1
