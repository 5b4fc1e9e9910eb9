"""The second factor of a local account: an authenticator app's one-time codes and recovery codes.

A password alone does not sign anyone in when a second factor is required: the person also gives
a six-digit code from an authenticator app (a time-based one-time password, RFC 6238), or one of
ten recovery codes, each of which works once and is shown only when it is made. Administrators
always need one; for everyone else the council decides (LINEOFSIGHT_REQUIRE_SECOND_FACTOR), since
a council may already put another control in front of the service.

Devices are django-otp's kind: a `TOTPDevice` holds the app's secret, and a `RecoveryCodeDevice`
of this app holds the recovery codes, only as hashes (`recovery_codes` says which and why). Each
set-up, each use of a recovery code, each new set of codes and each reset is written to the change
history of the person it is about.
"""

from __future__ import annotations

import base64
import re

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.models import Device
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.history.services import record_change
from lineofsight.web.errors import ServiceError

from .models import RecoveryCode, RecoveryCodeDevice, Role, User
from .policy import Capability, can
from .recovery_codes import (
    recovery_code_digest,
    recovery_code_make,
    recovery_code_read,
    recovery_code_salt,
)
from .services import user_password_confirm

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
CODE_NOT_ACCEPTED = "The code is not correct. Enter the 6-digit code your app shows now"
CODE_ALREADY_USED = (
    "That code has just been used. Wait for your app to show a new code, then enter it"
)
NO_APP_NO_CODES = "Set up an authenticator app before making recovery codes"
CODE_FORMAT = "Enter the 6-digit code from your app, or a recovery code of 16 letters and numbers"

_SPACES = re.compile(r"[\s-]+")


# A session the council's identity provider signed in (accounts.oidc): the provider asked for the
# council's own multi-factor authentication, so this product asks for no code of its own.
PROVIDER_SIGN_IN_KEY = "second_factor_by_council_provider"


def second_factor_by_provider(*, session) -> bool:
    """Whether the council's identity provider gave this session's second factor."""
    return bool(session.get(PROVIDER_SIGN_IN_KEY))


def second_factor_required(*, user: User) -> bool:
    """Whether `user` must give a second factor after their password."""
    if user.role == Role.ADMINISTRATOR:
        return True
    return bool(getattr(settings, "REQUIRE_SECOND_FACTOR", True))


def app_device(*, user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(device__user=user, device__confirmed=True).count()


def device_still_holds(*, user: User, persistent_id: str) -> bool:
    """Whether the device a session was signed in with still belongs to `user` and is confirmed:
    a reset removes it, and with it every session that used it."""
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and bool(device.confirmed)


# --- set-up -------------------------------------------------------------------------------------


@transaction.atomic
def app_setup_start(*, user: User) -> TOTPDevice:
    """A new secret for the person's authenticator app, not yet confirmed: the one already waiting
    if there is one, so reloading the set-up page does not change the QR code under them."""
    waiting = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if waiting is not None:
        return waiting
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_as_text(*, device: TOTPDevice) -> str:
    """The secret as an app expects it typed in: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(*, device: TOTPDevice) -> str:
    """The set-up address as a QR code, an inline SVG image with its own text alternative."""
    qr = segno.make(device.config_url, error="m", micro=False)
    svg = qr.svg_inline(scale=4, border=4, dark="#0b0c0c", light="#ffffff")
    # An image's accessible name comes from role and aria-label (WCAG 1.1.1).
    label = "QR code to scan with your authenticator app"
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def app_setup_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with a code it shows now; return the person's ten new recovery codes.

    Any earlier app and recovery codes of the person are removed: one app and one set of codes
    at a time, so a lost phone's secret stops working once a new one is set up. A code refused
    (ServiceError, with why) still counts against the device, as at sign-in.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if device.user_id != user.pk or device.confirmed:
            raise ServiceError("This set-up has ended. Start again from the sign-in page")
        code = _normalised(code)
        if not re.fullmatch(r"\d{6}", code):
            raise ServiceError("Enter the 6-digit code your app shows", field="code")
        refusal = _app_code_refusal(device=device, code=code)
        if not refusal:
            return _app_confirm(user=user, device=device)
    # Raised only now: inside the transaction it would undo the device's count of refusals.
    raise ServiceError(refusal, field="code")


def _app_confirm(*, user: User, device: TOTPDevice) -> list[str]:
    had_one = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).exists()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_make(user=user)
    record_change(
        actor=user,
        action="second_factor_set_up",
        obj=user,
        before={"second_factor": "authenticator app (replaced)" if had_one else None},
        after={"second_factor": f"authenticator app and {len(codes)} recovery codes"},
    )
    return codes


def _recovery_codes_make(*, user: User) -> list[str]:
    """Ten new recovery codes, to be shown once: only their hashes are kept. Any the person had
    stop working. The caller holds the transaction."""
    device, _ = RecoveryCodeDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    RecoveryCodeDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.codes.all().delete()
    codes: list[str] = []
    while len(codes) < RECOVERY_CODE_COUNT:
        code = recovery_code_make()  # 80 random bits
        if code not in codes:
            codes.append(code)
    rows = []
    for code in codes:
        salt = recovery_code_salt()
        digest = recovery_code_digest(code=recovery_code_read(code), salt=salt)
        rows.append(RecoveryCode(device=device, salt=salt, digest=digest))
    RecoveryCode.objects.bulk_create(rows)
    return codes


def recovery_codes_replace(*, user: User, password: str, ip_address: str | None) -> list[str]:
    """New recovery codes for a person who has lost theirs or used most: the old ones stop
    working. Only the person themselves, signed in with their second factor, asks for this, and
    gives their password again (`user_password_confirm`, counted by the sign-in throttle): a
    session left open must not be enough to take the codes that stand in for the app."""
    if app_device(user=user) is None:
        raise ServiceError(NO_APP_NO_CODES)
    user_password_confirm(user=user, password=password, ip_address=ip_address)
    return _recovery_codes_replace(user=user)


@transaction.atomic
def _recovery_codes_replace(*, user: User) -> list[str]:
    left = recovery_codes_left(user=user)
    codes = _recovery_codes_make(user=user)
    record_change(
        actor=user,
        action="recovery_codes_replace",
        obj=user,
        before={"recovery_codes": f"{left} unused, now void"},
        after={"recovery_codes": f"{len(codes)} new"},
    )
    return codes


# --- sign-in ------------------------------------------------------------------------------------


def _normalised(code: str) -> str:
    # People copy codes with spaces or hyphens, and in either case.
    return _SPACES.sub("", code or "").lower()


def second_factor_check(*, user: User, code: str) -> Device | None:
    """The device that accepts `code` for `user` (their app, or one of their recovery codes,
    which is then used up), or None. The caller counts a None as a failed sign-in attempt.

    Raises ServiceError (CODE_ALREADY_USED) for the app's code that was accepted moments ago:
    refused all the same, and the caller counts it as a failed attempt too. A recovery code never
    hears that: once used it is simply not correct, as a code never made would be."""
    if not re.fullmatch(r"\d{6}", _normalised(code)):
        return _recovery_code_check(user=user, code=code)
    code = _normalised(code)
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return None
        refusal = _app_code_refusal(device=device, code=code)
    if refusal == CODE_ALREADY_USED:
        # Raised only now: inside the transaction it would undo the device's count of refusals.
        raise ServiceError(refusal, field="code")
    return None if refusal else device


@transaction.atomic
def _recovery_code_check(*, user: User, code: str) -> RecoveryCodeDevice | None:
    # The device's row is locked until the code is deleted, so a code given twice at once is
    # accepted once.
    recovery = (
        RecoveryCodeDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    )
    if recovery is None or not recovery_code_read(code):
        return None
    left = recovery.codes.count()
    if not recovery.verify_token(code):
        return None
    record_change(
        actor=user,
        action="recovery_code_use",
        obj=user,
        before={"recovery_codes_left": left},
        after={"recovery_codes_left": left - 1},
    )
    return recovery


def _app_code_refusal(*, device: TOTPDevice, code: str) -> str:
    """Empty when the app `device` accepts `code` (six digits), which it never does again;
    otherwise why not: CODE_ALREADY_USED or CODE_NOT_ACCEPTED. The one rule for a code from
    the app wherever it is given (sign-in, set-up); the caller holds the device's row locked.

    django-otp accepts each time step's code once (a copied code cannot be replayed), so a
    person who signs in twice within the same 30 seconds, or presses the button twice, is
    refused the code their app shows: being told it is wrong would make them doubt the app.
    It is refused all the same, and counts against the device like any refused code."""
    allowed, _ = device.verify_is_allowed()
    if device.verify_token(code):
        return ""
    if allowed and _is_code_just_used(device=device, code=code):
        return CODE_ALREADY_USED
    return CODE_NOT_ACCEPTED


def _is_code_just_used(*, device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the code of the time step the device last accepted, a step it would
    still accept now (within its tolerance) had the code not been used. So only someone who
    has that very code hears it was used, and nobody while the device is refusing every code
    (django-otp's growing delay after a refused one)."""
    if device.last_t < 0:
        return False
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    if abs(device.last_t - now) > device.tolerance:
        return False
    return hotp(device.bin_key, device.last_t, digits=device.digits) == int(code)


# --- reset by an administrator ------------------------------------------------------------------


@transaction.atomic
def second_factor_reset(*, actor: User | None, user: User) -> None:
    """Remove a person's app and recovery codes (a lost phone): they set up a new app the next
    time they sign in, and every session signed in with the old one ends at its next request.

    `actor` is an administrator, never the person themselves (who would otherwise need only a
    stolen session to take the factor away); None is a command run on the server.
    """
    if actor is not None:
        if not can(actor, Capability.MANAGE_USERS):
            raise PermissionDenied("Only administrators may reset a second factor.")
        if actor.pk == user.pk:
            raise PermissionDenied(
                "You cannot reset your own second factor: another administrator must."
            )
    app = app_device(user=user)
    left = recovery_codes_left(user=user)
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryCodeDevice.objects.filter(user=user).delete()  # and their codes with them
    record_change(
        actor=actor,
        action="second_factor_reset",
        obj=user,
        before={"second_factor": f"authenticator app and {left} recovery codes" if app else None},
        after={"second_factor": "reset: set up again at next sign-in"},
    )
