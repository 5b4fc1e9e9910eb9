"""For tests that sign in the way a person does: an authenticator app set up, and its code."""

from __future__ import annotations

import base64
import time

from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.accounts import second_factor as sf
from lineofsight.accounts.models import User, UserSession


def at_code_page(user: User, password: str) -> Client:
    """A client that has given the password and now stands at the second-factor step."""
    client = Client()
    client.post(reverse("accounts:sign_in"), {"email": user.email, "password": password})
    return client


def signed_in_client(user: User, password: str, **client_options) -> Client:
    """A browser that signed in with the password and the app's code, as a person does
    (`client_options`, such as REMOTE_ADDR or HTTP_USER_AGENT, go to the Client)."""
    client = Client(**client_options)
    client.post(reverse("accounts:sign_in"), {"email": user.email, "password": password})
    device = user.totpdevice_set.get(confirmed=True)
    # A code works once: each sign-in of the same person in a test takes the next one.
    steps = UserSession.objects.filter(user=user).count() + 1
    done = client.post(reverse("accounts:second_factor_code"), {"code": code_now(device, steps)})
    assert done.status_code == 302, done.content[:500]
    return client


def give_code(client: Client, code: str):
    return client.post(reverse("accounts:second_factor_code"), {"code": code})


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def code_now(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the person's app shows now (or `steps_ahead` 30-second steps later: a code is
    accepted once, so a second sign-in within the same 30 seconds uses the next one)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead):06d}"


def set_up_app(user: User) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app for `user` as the set-up page does; its recovery codes."""
    device = sf.app_setup_start(user=user)
    codes = sf.app_setup_confirm(user=user, device=device, code=code_now(device))
    device.refresh_from_db()
    return device, codes


def _code_not_yet_used(device: TOTPDevice) -> str:
    """The app's code, waiting for the next 30 seconds if this one was used already (a code is
    accepted once)."""
    while True:
        device.refresh_from_db()
        now_t = int((time.time() - device.t0) // device.step)
        ahead = max(0, device.last_t + 1 - now_t)
        if ahead <= device.tolerance:
            return code_now(device, ahead)
        time.sleep(1)


def finish_sign_in_in_browser(page, email: str) -> list[str]:
    """After the password in a Playwright page: set up an app, or enter the app's code, as the
    person would; the recovery codes shown at set-up (none when only a code was asked for).
    Ends on the page the person was going to."""
    page.wait_for_url(lambda url: not url.split("?")[0].endswith("/accounts/sign-in/"))
    if "/accounts/sign-in/set-up/" in page.url:
        secret = page.locator("#secret").inner_text()
        key = base64.b32decode(secret.replace(" ", ""))
        page.get_by_label("Code from your app").fill(f"{totp(key):06d}")
        page.get_by_role("button", name="Confirm and continue").click()
        # The codes are shown in the answer to the set-up form itself, at its address.
        page.locator("#recovery-codes").wait_for()
        codes = page.locator("#recovery-codes li").all_inner_texts()
        with page.expect_navigation():
            page.get_by_role("link", name="Continue to Line of Sight").click()
        return codes
    if "/accounts/sign-in/code/" in page.url:
        device = TOTPDevice.objects.get(user__email=email, confirmed=True)
        page.get_by_label("Code", exact=True).fill(_code_not_yet_used(device))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").click()
    return []
