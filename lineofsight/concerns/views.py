from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose
from lineofsight.accounts.services import access_log_record
from lineofsight.history.services import history_for
from lineofsight.web.forms import form_page, form_status, submit

from . import selectors, services, sources
from .forms import RaiseForm, RespondForm
from .models import Concern


def _log_child(request: HttpRequest, person_id: str, purpose: str) -> None:
    if person_id:
        access_log_record(
            user=request.user, person_id=person_id, purpose=purpose, path=request.get_full_path()
        )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def concern_list(request: HttpRequest) -> HttpResponse:
    # The command (lineofsight escalate_concerns) is the source of truth; this catches up with
    # any deadline that passed since it last ran, so the list never shows a stale level.
    services.concerns_escalate_due(retry_emails=False)
    now = timezone.now()
    open_rows = [(c, selectors.status_of(c, now)) for c in selectors.open_concerns(request.user)]
    return render(
        request,
        "concerns/list.html",
        {
            "open_rows": open_rows,
            "answered": selectors.answered_concerns(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def concern_raise(request: HttpRequest, source_type: str, source_id: str) -> HttpResponse:
    source = sources.get(source_type)
    if source is None:
        raise Http404("No such record")
    info = source.resolve(request.user, source_id)  # 404 outside the user's scope
    if not info.may_raise:
        raise PermissionDenied(f"You may not raise a safeguarding concern from {info.title}.")
    _log_child(request, info.person_id, info.purpose)
    return form_page(
        request,
        RaiseForm(request.POST or None),
        lambda data: services.concern_raise(
            actor=request.user, source_type=source_type, source_id=source_id, **data
        ),
        template="concerns/raise.html",
        context={
            "info": info,
            "source_label": source.label,
            "preview": services.raise_preview(info, request.user),
        },
        message=lambda concern: (
            "The concern has been raised and sent. The "
            f"{concern.get_level_display().lower()} must respond by "
            f"{selectors.deadline_text(concern.respond_by)}."
        ),
        done=lambda concern: redirect("concerns:detail", pk=concern.pk),
    )


def _detail(
    request: HttpRequest, concern: Concern, form: RespondForm, *, status: int, error: str = ""
) -> HttpResponse:
    _log_child(request, concern.person_id, AccessPurpose.CASEWORK)
    return render(
        request,
        "concerns/detail.html",
        {
            "concern": concern,
            "status": selectors.status_of(concern),
            "source_label": sources.label_for(concern.source_type),
            "source_url": selectors.source_link(request.user, concern),
            "notices": selectors.notices_for(concern),
            "history": history_for(concern)[:30],
            "may_respond": concern.is_open and services.may_respond(request.user, concern),
            "is_raiser": concern.raised_by_id == request.user.pk,
            "form": form,
            "error": error,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = selectors.get_concern_for_user(request.user, pk)
    form = RespondForm(request.POST or None)
    if request.method == "POST":
        if concern.raised_by_id == request.user.pk:
            return _detail(
                request, concern, form, status=403, error=services.RAISER_MAY_NOT_RESPOND
            )
        if not policy.can(request.user, policy.Capability.RESPOND_TO_CONCERNS):
            raise PermissionDenied("Your role may not record the response to a concern.")
    if submit(
        request,
        form,
        lambda data: services.concern_respond(
            actor=request.user, concern=concern, response=data["response"]
        ),
        saved=lambda answered: {"response": answered.response},
    ):
        messages.success(request, "Your response has been recorded and sent.")
        return redirect("concerns:detail", pk=concern.pk)
    conflict = getattr(form, "conflict", None)
    return _detail(
        request,
        conflict.current if conflict else concern,
        form,
        status=form_status(request, form),
    )
