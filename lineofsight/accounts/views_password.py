"""The person's own password: they change it by giving the current one, which the sign-in
throttle counts like a sign-in, and every other session of theirs ends."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lineofsight.web.errors import ServiceError
from lineofsight.web.forms import add_service_error, form_status

from . import services
from .client_address import client_address
from .forms_password import PasswordChangeForm
from .sessions import session_password_changed

TEMPLATE = "accounts/password_change.html"


def _changed_message(ended: int) -> str:
    if not ended:
        return "Your password has been changed. You were not signed in anywhere else."
    noun = "session" if ended == 1 else "sessions"
    return f"Your password has been changed. {ended} other {noun} ended: they are signed out."


@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_usable_password():
        # Signed in only through the council's single sign-on: nothing here to change.
        status = 403 if request.method == "POST" else 200
        return render(request, TEMPLATE, {"form": None, "error": ""}, status=status)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=user)
    error, status = "", form_status(request, form)
    if request.method == "POST" and form.is_valid():
        try:
            ended = services.user_password_change(
                user=user,
                current_password=form.cleaned_data["current_password"],
                new_password=form.cleaned_data["new_password"],
                ip_address=client_address(request),
                keep_session_key=request.session.session_key,
            )
        except services.SignInLocked as exc:
            error, status = exc.message, 429
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            session_password_changed(request=request, user=user)
            messages.success(request, _changed_message(ended))
            return redirect("accounts:sessions")
    return render(request, TEMPLATE, {"form": form, "error": error}, status=status)
