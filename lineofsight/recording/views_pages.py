"""The recording pages people use day to day: "Check my writing", a practitioner's own recent
notes, and the quality of recording per team and per worker.

"Check my writing" keeps nothing of what is typed: the text is checked in memory and shown back
in the same response. It is never saved, put in the session, logged, or sent in a page address
(the form posts), and error reports leave it out (`sensitive_post_parameters`). The one thing
kept is that the page was used (lineofsight.recording.usage), without the text or who used it.
"""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.web.figures import SUPPRESSION_NOTE
from lineofsight.web.filters import page_of
from lineofsight.web.forms import form_status, submit
from lineofsight.web.spreadsheet import safe_text

from . import checker, selectors_pages
from .annotate import Annotated, annotate
from .forms_pages import CheckForm, QualityFilterForm
from .selectors.rules import rules_in_force
from .usage import writing_check_use_record

MY_NOTES_PAGE_SIZE = 25


def _check(data: dict) -> Annotated:
    text = data["text"]
    result = checker.check(
        text,
        rules=rules_in_force(),
        child=data.get("child") or "",
        child_age=data.get("child_age"),
    )
    return annotate(text, result)


@never_cache
@sensitive_post_parameters("text", "child", "child_age")
@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_CASEWORK)
def check(request: HttpRequest) -> HttpResponse:
    form = CheckForm(request.POST or None)
    checked: list[Annotated] = []

    def run(data: dict) -> None:
        checked.append(_check(data))
        writing_check_use_record()

    submit(request, form, run)
    return render(
        request,
        "recording/check.html",
        {"form": form, "checked": checked[0] if checked else None},
        status=form_status(request, form) if not checked else 200,
    )


@never_cache
@sensitive_post_parameters("text", "child", "child_age")
@require_POST
@policy.requires(policy.Capability.VIEW_CASEWORK)
def check_live(request: HttpRequest) -> JsonResponse:
    """The same check for the page's script while the person types: the results as the page
    shows them, or the form's errors. Stores and counts nothing (the page counts a check when
    the form is sent)."""
    form = CheckForm(request.POST)
    if not form.is_valid():
        return JsonResponse(
            {"errors": {name: [str(e) for e in errs] for name, errs in form.errors.items()}},
            status=400,
        )
    checked = _check(form.cleaned_data)
    html = render_to_string(
        "recording/includes/check_results.html", {"checked": checked}, request=request
    )
    return JsonResponse({"html": html})


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def my_notes(request: HttpRequest) -> HttpResponse:
    mine = selectors_pages.my_recent_notes(request.user)
    page, query = page_of(request, mine.notes, per_page=MY_NOTES_PAGE_SIZE)
    return render(
        request,
        "recording/my_notes.html",
        {"mine": mine, "page": page, "query": query, "markers": checker.MARKERS},
    )


def _quality(request: HttpRequest) -> tuple[QualityFilterForm, selectors_pages.Quality | None]:
    teams = selectors_pages.quality_teams(request.user)
    form = QualityFilterForm(request.GET or None, teams=teams)
    if form.is_bound and not form.is_valid():
        return form, None  # a bad filter shows no figures, never every figure
    chosen = selectors_pages.QualityFilter()
    if form.is_bound:
        chosen = selectors_pages.QualityFilter(
            period_end=form.cleaned_data.get("period_end"), team=form.chosen_team()
        )
    return form, selectors_pages.recording_quality(request.user, chosen, teams=teams)


@require_GET
@policy.requires(policy.Capability.VIEW_RECORDING)
def quality(request: HttpRequest) -> HttpResponse:
    form, found = _quality(request)
    return render(
        request,
        "recording/quality.html",
        {
            "form": form,
            "quality": found,
            "columns": selectors_pages.COLUMNS,
            "suppression_note": SUPPRESSION_NOTE,
            "query": request.GET.urlencode(),
        },
        status=200 if found is not None else 400,
    )


@require_GET
@policy.requires(policy.Capability.VIEW_RECORDING)
def quality_csv(request: HttpRequest) -> HttpResponse:
    form, found = _quality(request)
    if found is None:
        return render(
            request,
            "recording/quality.html",
            {"form": form, "quality": None, "columns": selectors_pages.COLUMNS},
            status=400,
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    end = found.period_end.isoformat() if found.period_end else "none"
    response["Content-Disposition"] = f'attachment; filename="recording-quality-{end}.csv"'
    out = csv.writer(response)
    out.writerow(["Rows", "Name", *selectors_pages.COLUMNS, "Period from", "Period to"])
    period = [
        found.period_start.isoformat() if found.period_start else "",
        found.period_end.isoformat() if found.period_end else "",
    ]
    lines = [("All", found.total)] if found.total else []
    lines += [("Team", line) for line in found.by_team]
    lines += [("Worker", line) for line in found.by_worker]
    for kind, line in lines:
        out.writerow([kind, *(safe_text(v) for v in [line.name, *line.cells()]), *period])
    return response
