"""One case note with its findings: for a manager or auditor who may see the child, or for the
note's author. Every view is access-logged. Each finding can be dismissed with a reason, and a
dismissal taken back; no JavaScript is needed (each is a small form)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.services import access_log_record
from lineofsight.web.forms import add_service_error

from .forms import DismissForm
from .selectors.notes import CheckedNote, checked_note_for_user, wrote_note
from .services import dismissals as services


def _forms(page: CheckedNote, bound: DismissForm | None) -> list[tuple[object, DismissForm]]:
    """Each finding still standing with its own dismiss form (prefixed by its number, so the
    fields' ids differ); the one just posted keeps what was typed and its error."""
    out = []
    for f in page.annotated.findings:
        if bound is not None and bound.number == f.number:
            form = bound
        else:
            initial = {"rule": f.rule, "start": f.start, "text": f.text}
            form = DismissForm(number=f.number, initial=initial)
        out.append((f, form))
    return out


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_CASEWORK)
def note(request: HttpRequest, note_id: str) -> HttpResponse:
    page = checked_note_for_user(request.user, note_id)
    access_log_record(
        user=request.user,
        person_id=page.note.person_id,
        purpose=page.access.purpose,
        path=request.path,
    )
    here = reverse("recording:note", args=[page.note.note_id])
    bound = None
    if request.method == "POST" and request.POST.get("restore"):
        try:
            dismissal_id = int(request.POST["restore"])
        except ValueError:
            return redirect(here)
        restored = services.finding_restore(actor=request.user, dismissal_id=dismissal_id)
        messages.success(request, f"The finding on “{restored.text or 'the note'}” is back.")
        return redirect(here)
    if request.method == "POST":
        try:
            number = int(request.POST.get("finding", ""))
        except ValueError:
            number = 0
        bound = DismissForm(request.POST, number=number)
        if bound.is_valid():
            try:
                services.finding_dismiss(
                    actor=request.user, note_id=page.note.note_id, **bound.cleaned_data
                )
            except services.DismissalError as exc:
                add_service_error(bound, exc)
            else:
                messages.success(request, "The finding is dismissed, with your reason.")
                return redirect(here)
    return render(
        request,
        "recording/note.html",
        {
            "page": page,
            "note": page.note,
            "findings": _forms(page, bound),
            "bound": bound,
            "wrote_it": wrote_note(request.user, page.note),
        },
        status=400 if bound is not None else 200,
    )
