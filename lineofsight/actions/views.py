from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose
from lineofsight.accounts.services import access_log_record
from lineofsight.history.services import history_for

from . import selectors, services
from .forms import ActionFilterForm, NoteForm, RecheckForm, StatusForm
from .models import SourceType

# Which purpose a view of a child's action is logged under, by where the action came from.
_PURPOSE = {
    SourceType.AUDIT: AccessPurpose.AUDIT,
    SourceType.MODERATION: AccessPurpose.AUDIT,
    SourceType.PRACTICE_WEEK: AccessPurpose.PRACTICE_WEEK,
    SourceType.SUPERVISION: AccessPurpose.SUPERVISION,
}


_HISTORY_LABELS = {
    "action_create": "Raised",
    "action_update_status": "Status changed",
    "action_add_note": "Progress note added",
    "action_reassign": "Owner or date changed",
    "action_record_recheck": "Re-check recorded",
}


@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
    actions = list(selectors.my_open_actions(request.user))
    today = timezone.localdate()
    overdue = [a for a in actions if a.due_date < today]
    return render(
        request,
        "actions/mine.html",
        {"actions": actions, "overdue": overdue, "today": today},
    )


@require_GET
def action_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
    form = ActionFilterForm(request.GET or None)
    filters = selectors.ActionFilter()
    if form.is_valid():
        filters = selectors.ActionFilter(
            state=form.cleaned_data["state"] or "open",
            source_type=form.cleaned_data["source_type"],
        )
    actions = selectors.action_list(request.user, filters)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "actions/list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "counts": selectors.action_counts(
                selectors.actions_visible_to(request.user), timezone.localdate()
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.get_action_for_user(request.user, pk)
    may_update = selectors.can_update(request.user, action)
    may_recheck = selectors.can_recheck(request.user, action)
    status_form = StatusForm(initial={"status": action.status}, prefix="status")
    note_form = NoteForm(prefix="note")
    recheck_form = RecheckForm(prefix="recheck")
    error = ""
    if request.method == "POST":
        which = request.POST.get("form")
        if which in ("status", "note") and not may_update:
            raise PermissionDenied("You may not change this action.")
        if which == "recheck" and not may_recheck:
            raise PermissionDenied("You may not record a re-check of this action.")
        try:
            if which == "status":
                status_form = StatusForm(request.POST, prefix="status")
                if status_form.is_valid():
                    services.action_update_status(
                        actor=request.user,
                        action=action,
                        status=status_form.cleaned_data["status"],
                        note=status_form.cleaned_data["note"],
                    )
                    messages.success(request, "The action's status has been saved.")
                    return redirect("actions:detail", pk=action.pk)
            elif which == "note":
                note_form = NoteForm(request.POST, prefix="note")
                if note_form.is_valid():
                    services.action_add_note(
                        actor=request.user, action=action, text=note_form.cleaned_data["text"]
                    )
                    messages.success(request, "Your progress note has been added.")
                    return redirect("actions:detail", pk=action.pk)
            elif which == "recheck":
                recheck_form = RecheckForm(request.POST, prefix="recheck")
                if recheck_form.is_valid():
                    services.action_record_recheck(
                        actor=request.user,
                        action=action,
                        result=recheck_form.cleaned_data["result"],
                        notes=recheck_form.cleaned_data["notes"],
                        next_recheck_date=recheck_form.cleaned_data["next_recheck_date"],
                    )
                    messages.success(request, "The re-check has been recorded.")
                    return redirect("actions:detail", pk=action.pk)
        except services.ActionError as exc:
            error = str(exc)
    if action.person_id:
        access_log_record(
            user=request.user,
            person_id=action.person_id,
            purpose=_PURPOSE.get(action.source_type, AccessPurpose.CASEWORK),
            path=request.get_full_path(),
        )
    has_errors = bool(error or status_form.errors or note_form.errors or recheck_form.errors)
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "notes": action.notes.select_related("author"),
            "history": [
                (event, _HISTORY_LABELS.get(event.action, event.action))
                for event in history_for(action)[:50]
            ],
            "may_update": may_update,
            "may_recheck": may_recheck,
            "status_form": status_form,
            "note_form": note_form,
            "recheck_form": recheck_form,
            "error": error,
            "has_errors": has_errors,
            "today": timezone.localdate(),
            "source_url": _source_url(action),
        },
        status=400 if has_errors else 200,
    )


def _source_url(action) -> str:
    """A link back to what raised the action, where that app has a page for it."""
    if action.source_type == SourceType.AUDIT:
        try:
            return reverse("audits:audit_detail", kwargs={"pk": int(action.source_id)})
        except (NoReverseMatch, ValueError):
            return ""
    return ""
