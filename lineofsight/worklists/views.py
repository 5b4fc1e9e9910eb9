from __future__ import annotations

import csv
from dataclasses import replace

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team
from lineofsight.accounts.services import access_log_record_many
from lineofsight.web.filters import refuses_bad_filters
from lineofsight.web.spreadsheet import safe_text

from . import comparison, hooks, selection, selectors
from .flags import COHORTS, flag
from .query import WorklistQuery
from .selectors import NO_CASEWORK
from .wording import event_words, visit_words

PAGE_SIZE = 50


def _no_snapshot(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "worklists/no_snapshot.html", {"title": title})


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def index(request: HttpRequest) -> HttpResponse:
    if policy.scope_for(request.user) is policy.Scope.OWN_CASELOAD:
        return redirect("worklists:mine")
    snapshot, teams = selectors.team_summaries(request.user)
    return render(
        request,
        "worklists/index.html",
        {
            "snapshot": snapshot,
            "teams": teams,
            "has_caseload": bool(request.user.professional_id),
            "can_compare": policy.can(request.user, policy.Capability.VIEW_INDICATORS),
        },
    )


def _worklist_page(request: HttpRequest, worklist: selectors.Worklist, **extra) -> dict:
    page = Paginator(worklist.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Each child named on this page is a view of that child's record (as in the CSV).
    access_log_record_many(
        user=request.user, person_ids=(r.person_id for r in page.object_list), path=request.path
    )
    return {
        "worklist": worklist,
        "page": page,
        "query": worklist.query.urlencode(),
        "headers": worklist.query.headers(),
        **extra,
    }


def _team_worklist(request: HttpRequest, team_id: int) -> tuple[Team, selectors.Worklist | None]:
    """The team (404 outside the user's scope) and its worklist as the page address asks
    (None before any case data is imported)."""
    the_team = policy.get_team_for_user(request.user, team_id)
    query = WorklistQuery.parse(request.GET)
    try:
        return the_team, selectors.team_worklist(request.user, the_team, query)
    except NO_CASEWORK:
        return the_team, None


@require_GET
@refuses_bad_filters
@policy.requires(policy.Capability.VIEW_CASEWORK)
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    the_team, worklist = _team_worklist(request, team_id)
    if worklist is None:
        return _no_snapshot(request, f"{the_team.name}: worklist")
    context = _worklist_page(request, worklist, team=the_team)
    page = context["page"]
    # Group supervision (a higher app, through hooks): when each child on the page was last
    # discussed, and for someone who may lead it, the form that brings children to a session.
    found = hooks.team_supervision(request.user, the_team, [r.person_id for r in page.object_list])
    page.object_list = [
        replace(r, discussed_on=found.discussed[r.person_id])
        if r.person_id in found.discussed
        else r
        for r in page.object_list
    ]
    nomination = found.nomination
    chosen = selection.selected(request.session, the_team.pk) if nomination else []
    # A session's page links here with ?session=<id>: that session is offered first.
    wanted = request.GET.get("session", "")
    if nomination and any(c.value == wanted for c in nomination.sessions):
        nomination = replace(
            nomination,
            sessions=tuple(replace(c, selected=c.value == wanted) for c in nomination.sessions),
        )
    context.update(
        {
            "nomination": nomination,
            "selected": frozenset(chosen),
            "selected_count": len(chosen),
        }
    )
    return render(request, "worklists/team.html", context)


@require_GET
@refuses_bad_filters
@policy.requires(policy.Capability.VIEW_CASEWORK)
def mine(request: HttpRequest) -> HttpResponse:
    query = WorklistQuery.parse(request.GET)
    try:
        worklist = selectors.caseload_worklist(request.user, query)
    except NO_CASEWORK:
        return _no_snapshot(request, "Your caseload")
    return render(request, "worklists/mine.html", _worklist_page(request, worklist))


_csv_cell = safe_text


def _or_blank(value: object) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# The worklist CSV: each column's heading and how a row fills it (from the row and the
# snapshot's date), so that the two cannot fall out of step.
_EXPORT_COLUMNS = (
    ("person_id", lambda row, as_at: row.person_id),
    ("name", lambda row, as_at: row.name),
    ("cohorts", lambda row, as_at: ";".join(COHORTS.get(c, c) for c in row.cohorts)),
    ("worker_id", lambda row, as_at: row.worker_id),
    ("worker_name", lambda row, as_at: row.worker_name),
    ("flags", lambda row, as_at: ";".join(row.flag_ids)),
    ("flag_labels", lambda row, as_at: ";".join(flag(f).label for f in row.flag_ids)),
    (
        "oldest_flag_since",
        lambda row, as_at: row.oldest_flag.isoformat() if row.oldest_flag else "",
    ),
    ("snapshot_as_at", lambda row, as_at: as_at.isoformat()),
    ("days_overdue", lambda row, as_at: _or_blank(row.days_overdue(as_at))),
    ("overdue_item", lambda row, as_at: event_words(row.overdue_item) if row.overdue_item else ""),
    ("overdue_due_date", lambda row, as_at: _or_blank(row.overdue_since)),
    ("last_visit", lambda row, as_at: _or_blank(row.last_visit)),
    ("last_visit_seen", lambda row, as_at: visit_words(row) if row.last_visit else ""),
    ("next_due", lambda row, as_at: _or_blank(row.next_due)),
    (
        "next_due_item",
        lambda row, as_at: event_words(row.next_due_item) if row.next_due_item else "",
    ),
)


@require_GET
@refuses_bad_filters
@policy.requires(policy.Capability.VIEW_CASEWORK)
def team_export(request: HttpRequest, team_id: int) -> HttpResponse:
    the_team, worklist = _team_worklist(request, team_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = the_team.case_system_id or str(the_team.pk)
    response["Content-Disposition"] = f'attachment; filename="worklist-{name}.csv"'
    out = csv.writer(response)
    out.writerow([name for name, _ in _EXPORT_COLUMNS])
    if worklist is None:
        return response
    # An export holds every listed child's name: each is a view of that child's record.
    access_log_record_many(
        user=request.user, person_ids=(r.person_id for r in worklist.rows), path=request.path
    )
    for row in worklist.rows:
        out.writerow(
            [_csv_cell(value(row, worklist.snapshot.as_at)) for _, value in _EXPORT_COLUMNS]
        )
    return response


@require_GET
@refuses_bad_filters
def service(request: HttpRequest) -> HttpResponse:
    found = comparison.teams_compared(request.user, request.GET)
    return render(request, "worklists/service.html", {"comparison": found})
