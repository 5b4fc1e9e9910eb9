from __future__ import annotations

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.web.filters import page_of
from lineofsight.web.forms import form_status, submit
from lineofsight.web.spreadsheet import safe_cell

from . import policy, services
from .client_address import client_address
from .forms import AccessLogFilterForm, RoleGrantDecisionForm, SignInForm
from .models import RoleGrant, RoleGrantStatus
from .oidc import council_sign_in_enabled, council_sign_out_url
from .second_factor import app_device, second_factor_required
from .selectors import (
    AccessLogFilter,
    access_log_for_user,
    get_role_grant_for_user,
    role_grant_events,
    role_grants_for_user,
)
from .sessions import session_begin, session_leave
from .sign_in_pending import pending_begin

SIGN_IN_FAILED = "Enter a correct email address and password"
SIGN_IN_THROTTLED = services.SIGN_IN_THROTTLED


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
        ip = client_address(request)
        if services.signin_is_throttled(email=email, ip_address=ip):
            services.signin_attempt_record(
                email=email, ip_address=ip, succeeded=False, refused=True
            )
            error = SIGN_IN_THROTTLED.format(minutes=settings.SIGNIN_LOCKOUT_MINUTES)
            status = 429
        else:
            user = authenticate(request, email=email, password=form.cleaned_data["password"])
            services.signin_attempt_record(email=email, ip_address=ip, succeeded=bool(user))
            if user is not None and second_factor_required(user=user):
                # Not signed in yet: the second factor decides (views_second_factor).
                pending_begin(request=request, user=user, next_url=_safe_next(request))
                has_app = app_device(user=user) is not None
                return redirect(
                    "accounts:second_factor_code" if has_app else "accounts:second_factor_setup"
                )
            if user is not None:
                login(request, user)
                session_begin(request=request, user=user)
                services.signin_throttle_reset(email=email, ip_address=ip)
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
            "council_sign_in": council_sign_in_enabled(),
        },
        status=status,
    )


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    # Read before logout empties the session: one the council's provider signed in ends there too.
    after = council_sign_out_url(request=request) or settings.LOGOUT_REDIRECT_URL
    session_leave(request=request, action="user_session_sign_out")
    return redirect(after)


def _access_log_filters(request: HttpRequest) -> tuple[AccessLogFilterForm, AccessLogFilter]:
    form = AccessLogFilterForm(request.GET or None)
    if form.is_valid():
        return form, AccessLogFilter(**form.cleaned_data)
    return form, AccessLogFilter()


@require_GET
@policy.requires(policy.Capability.VIEW_ACCESS_LOG)
def access_log(request: HttpRequest) -> HttpResponse:
    form, filters = _access_log_filters(request)
    entries = access_log_for_user(request.user, filters)
    refused = form.is_bound and not form.is_valid()  # a bad filter shows no log, not all of it
    if refused:
        entries = entries.none()
    page, query = page_of(request, entries)
    # Roles that see children's records: who asked, who approved or refused (not about a child,
    # so a search by child leaves them out).
    grant_events, more_grant_events = ([], False)
    if not filters.person_id and not refused:
        grant_events, more_grant_events = role_grant_events(request.user, filters)
    return render(
        request,
        "accounts/access_log.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "grant_events": grant_events,
            "more_grant_events": more_grant_events,
        },
        status=400 if refused else 200,
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@policy.requires(policy.Capability.VIEW_ACCESS_LOG)
def access_log_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    form, filters = _access_log_filters(request)
    if form.is_bound and not form.is_valid():
        problems = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponseBadRequest(
            f"The filter is not valid: {problems}. Nothing was exported.",
            content_type="text/plain; charset=utf-8",
        )
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


@require_GET
def role_grants(request: HttpRequest) -> HttpResponse:
    """Requests for roles that see children's records: senior leaders decide, administrators
    follow them."""
    grants = role_grants_for_user(request.user)
    pending = list(grants.filter(status=RoleGrantStatus.PENDING))
    decided = Paginator(grants.exclude(status=RoleGrantStatus.PENDING), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accounts/role_grants.html",
        {
            "pending": pending,
            "page": decided,
            "may_decide": policy.can(request.user, policy.Capability.APPROVE_ROLE_GRANTS),
        },
    )


def _role_grant_decide(request: HttpRequest, grant: RoleGrant, data: dict) -> None:
    decide = (
        services.role_grant_approve if data["decision"] == "approve" else services.role_grant_refuse
    )
    decided = decide(actor=request.user, grant=grant, reason=data["reason"])
    messages.success(
        request,
        f"{decided.get_status_display()}: {decided.get_role_display()} for "
        f"{decided.user.full_name}.",
    )


@require_http_methods(["GET", "POST"])
def role_grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_role_grant_for_user(request.user, pk)
    may_decide = policy.can(request.user, policy.Capability.APPROVE_ROLE_GRANTS)
    own = grant.user_id == request.user.pk
    form = RoleGrantDecisionForm(request.POST or None)
    error = ""
    status = form_status(request)
    if request.method == "POST":
        policy.require(request.user, policy.Capability.APPROVE_ROLE_GRANTS)
    try:
        if submit(request, form, lambda data: _role_grant_decide(request, grant, data)):
            return redirect("accounts:role_grants")
    except PermissionDenied as exc:
        # Refused for who is deciding (their own request, say): the page says why, as a 403.
        error, status = str(exc), 403
    return render(
        request,
        "accounts/role_grant_detail.html",
        {
            "grant": grant,
            "form": form,
            "error": error,
            "may_decide": may_decide and not own and grant.status == RoleGrantStatus.PENDING,
            "own": own,
        },
        status=status,
    )
