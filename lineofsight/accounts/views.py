from __future__ import annotations

import csv

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.web.spreadsheet import safe_cell

from . import policy, services
from .forms import AccessLogFilterForm, SignInForm
from .selectors import AccessLogFilter, access_log_for_user

SIGN_IN_FAILED = "Enter a correct email address and password"
SIGN_IN_THROTTLED = (
    "There have been too many attempts to sign in. Wait {minutes} minutes and try again."
)


def _client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client chose to send.
    return request.META.get("REMOTE_ADDR") or None


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@login_not_required
@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request))
    form = SignInForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        ip = _client_ip(request)
        if services.signin_is_throttled(email=email, ip_address=ip):
            services.signin_attempt_record(email=email, ip_address=ip, succeeded=False)
            error = SIGN_IN_THROTTLED.format(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            services.signin_attempt_record(email=email, ip_address=ip, succeeded=bool(user))
            if user is not None:
                login(request, user)
                return redirect(_safe_next(request))
            error = SIGN_IN_FAILED
            status = 400
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "error": error,
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _access_log_filters(request: HttpRequest) -> tuple[AccessLogFilterForm, AccessLogFilter]:
    form = AccessLogFilterForm(request.GET or None)
    if form.is_valid():
        return form, AccessLogFilter(**form.cleaned_data)
    return form, AccessLogFilter()


@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_ACCESS_LOG)
    form, filters = _access_log_filters(request)
    entries = access_log_for_user(request.user, filters)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/access_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
def access_log_export(request: HttpRequest) -> StreamingHttpResponse:
    policy.require(request.user, policy.Capability.VIEW_ACCESS_LOG)
    _form, filters = _access_log_filters(request)
    entries = access_log_for_user(request.user, filters)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(["when", "user_email", "user_name", "person_id", "purpose", "page"])
        for e in entries.iterator(chunk_size=2000):
            # Names and ids come from people and case systems: never let one run as a formula.
            yield writer.writerow(
                [
                    safe_cell(v)
                    for v in (
                        e.at.isoformat(),
                        e.user.email,
                        e.user.full_name,
                        e.person_id,
                        e.purpose,
                        e.path,
                    )
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    return response
