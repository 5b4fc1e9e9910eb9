"""Pages of the second factor: the code after the password, setting up an app, recovery codes,
and an administrator's reset.

The code and set-up pages serve a person who has given the right password but is not yet signed
in (`sign_in_pending`), so they are open to a session that is not signed in and check the
half-done sign-in themselves. Wrong codes count as failed sign-in attempts, throttled by the same
rule as wrong passwords.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lineofsight.web.errors import ServiceError
from lineofsight.web.forms import add_service_error, form_status

from . import policy, services
from .client_address import client_address
from .demo import DEMO_EMAIL_DOMAIN
from .forms_password import RecoveryCodesForm
from .forms_second_factor import AppSetupCodeForm, SecondFactorCodeForm
from .models import User
from .second_factor import (
    CODE_NOT_ACCEPTED,
    NO_APP_NO_CODES,
    RECOVERY_CODE_COUNT,
    app_device,
    app_setup_confirm,
    app_setup_start,
    qr_code_svg,
    recovery_codes_left,
    recovery_codes_replace,
    second_factor_check,
    second_factor_required,
    second_factor_reset,
    secret_as_text,
)
from .sign_in_pending import pending_clear, pending_finish, pending_user
from .views import SIGN_IN_THROTTLED

CODE_NOT_ACCEPTED_AT_SIGN_IN = (
    "The code is not correct. Enter the 6-digit code your app shows now, or a recovery code"
)


def demonstration_code(*, user: User, device: TOTPDevice) -> str:
    """The code the device shows now, for a demonstration account outside production only, so
    that a person trying the product needs no authenticator app. Empty otherwise."""
    if getattr(settings, "PRODUCTION", True) or not user.email.endswith(f"@{DEMO_EMAIL_DOMAIN}"):
        return ""
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def _throttled(request: HttpRequest, user: User) -> bool:
    return services.signin_is_throttled(email=user.email, ip_address=client_address(request))


def _failed(request: HttpRequest, user: User, *, refused: bool = False) -> None:
    services.signin_attempt_record(
        email=user.email, ip_address=client_address(request), succeeded=False, refused=refused
    )


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def second_factor_code(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the person's app, or a recovery code."""
    user = pending_user(request=request)
    if user is None:
        return redirect("accounts:sign_in")
    device = app_device(user=user)
    if device is None:
        return redirect("accounts:second_factor_setup")
    form = SecondFactorCodeForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if _throttled(request, user):
            _failed(request, user, refused=True)
            error = SIGN_IN_THROTTLED.format(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
            status = 429
        elif form.is_valid():
            refusal = CODE_NOT_ACCEPTED_AT_SIGN_IN
            try:
                accepted = second_factor_check(user=user, code=form.cleaned_data["code"])
            except ServiceError as exc:  # the app's code just used: refused all the same
                accepted, refusal = None, exc.message
            if accepted is not None:
                return redirect(pending_finish(request=request, user=user, device=accepted))
            _failed(request, user)
            form.add_error("code", refusal)
    shown = demonstration_code(user=user, device=device)
    return render(
        request,
        "accounts/second_factor_code.html",
        {
            "form": form,
            "error": error,
            "demonstration_code": shown,
            "demonstration_secret": secret_as_text(device=device) if shown else "",
        },
        status=status,
    )


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """After the password, for a person who must have a second factor and has none: scan the QR
    code (or type the secret), then give a code to show the app has it."""
    user = pending_user(request=request)
    if user is None:
        return redirect("accounts:sign_in")
    if app_device(user=user) is not None:
        return redirect("accounts:second_factor_code")
    device = app_setup_start(user=user)
    form = AppSetupCodeForm(request.POST or None)
    error, status = "", 200
    if request.method == "POST":
        status = 400
        if _throttled(request, user):
            _failed(request, user, refused=True)
            error = SIGN_IN_THROTTLED.format(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
            status = 429
        elif form.is_valid():
            try:
                codes = app_setup_confirm(user=user, device=device, code=form.cleaned_data["code"])
            except ServiceError as exc:
                _failed(request, user)
                form.add_error("code", exc.message or CODE_NOT_ACCEPTED)
            else:
                next_url = pending_finish(request=request, user=user, device=device)
                return _second_factor_page(request, new_codes=codes, continue_url=next_url)
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "error": error,
            "qr_code": qr_code_svg(device=device),
            "secret": secret_as_text(device=device),
            "email": user.email,
            "demonstration_code": demonstration_code(user=user, device=device),
        },
        status=status,
    )


@login_not_required
@require_POST
def sign_in_cancel(request: HttpRequest) -> HttpResponse:
    """Leave a half-done sign-in (someone else's computer, the wrong account)."""
    pending_clear(request=request)
    return redirect("accounts:sign_in")


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The person's own second factor: how many recovery codes are left, and a form to make new
    ones, which voids the old; the person gives their password again to make them."""
    form = RecoveryCodesForm(request.POST if request.method == "POST" else None)
    error, status = "", form_status(request, form)
    if request.method == "POST":
        if app_device(user=request.user) is None:
            messages.error(request, NO_APP_NO_CODES)
            return redirect("accounts:second_factor")
        if form.is_valid():
            try:
                codes = recovery_codes_replace(
                    user=request.user,
                    password=form.cleaned_data["password"],
                    ip_address=client_address(request),
                )
            except services.SignInLocked as exc:
                error, status = exc.message, 429
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                return _second_factor_page(request, new_codes=codes)
    return _second_factor_page(request, form=form, error=error, status=status)


def _second_factor_page(
    request: HttpRequest,
    *,
    new_codes: list[str] | None = None,
    continue_url: str = "",
    form: RecoveryCodesForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The page of the person's second factor, with the recovery codes just made, if any.

    New codes are shown in the answer to the form that made them, never kept to show later
    (not even in the session, which lives in the database): only their hashes are kept, so
    this is the one time they can be shown."""
    return render(
        request,
        "accounts/second_factor.html",
        {
            "new_codes": new_codes,
            "continue_url": continue_url or reverse("home:home"),
            "device": app_device(user=request.user),
            "codes_left": recovery_codes_left(user=request.user),
            "code_count": RECOVERY_CODE_COUNT,
            "required": second_factor_required(user=request.user),
            "form": form or RecoveryCodesForm(),
            "error": error,
            "has_password": request.user.has_usable_password(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.MANAGE_USERS)
def second_factor_reset_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An administrator resets another person's second factor (a lost or replaced phone)."""
    person = get_object_or_404(User, pk=pk)
    own = person.pk == request.user.pk
    if request.method == "POST" and not own:
        second_factor_reset(actor=request.user, user=person)
        messages.success(
            request,
            f"{person.full_name}'s second factor has been reset. They will set up an "
            "authenticator app the next time they sign in.",
        )
        return redirect(reverse("admin:accounts_user_change", args=[person.pk]))
    return render(
        request,
        "accounts/second_factor_reset.html",
        {
            "person": person,
            "own": own,
            "has_app": app_device(user=person) is not None,
            "codes_left": recovery_codes_left(user=person),
        },
        status=403 if request.method == "POST" else 200,
    )
