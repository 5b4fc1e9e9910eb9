from __future__ import annotations

import csv

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.accounts.services import access_log_record, access_log_record_many
from lineofsight.supervision import selectors as supervision
from lineofsight.web.filters import refuses_bad_filters
from lineofsight.web.spreadsheet import safe_text

from . import selectors
from .flags import COHORTS, flag
from .query import WorklistQuery
from .selectors import NO_CASEWORK

PAGE_SIZE = 50


def _no_snapshot(request: HttpRequest, title: str) -> HttpResponse:
    return render(request, "worklists/no_snapshot.html", {"title": title})


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
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


@require_GET
@refuses_bad_filters
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
    the_team = policy.get_team_for_user(request.user, team_id)
    query = WorklistQuery.parse(request.GET)
    try:
        worklist = selectors.team_worklist(request.user, the_team, query)
    except NO_CASEWORK:
        return _no_snapshot(request, f"{the_team.name}: worklist")
    context = _worklist_page(request, worklist, team=the_team)
    can_nominate = supervision.may_lead(request.user, the_team)
    page = context["page"]
    page.object_list = supervision.mark_discussed(list(page.object_list), the_team)
    context.update(
        {
            "can_nominate": can_nominate,
            "sessions": supervision.sessions_for_nomination(the_team) if can_nominate else [],
            "chosen_session": request.GET.get("session", ""),
        }
    )
    return render(request, "worklists/team.html", context)


@require_GET
@refuses_bad_filters
def mine(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
    query = WorklistQuery.parse(request.GET)
    try:
        worklist = selectors.caseload_worklist(request.user, query)
    except NO_CASEWORK:
        return _no_snapshot(request, "Your caseload")
    return render(request, "worklists/mine.html", _worklist_page(request, worklist))


_csv_cell = safe_text


@require_GET
@refuses_bad_filters
def team_export(request: HttpRequest, team_id: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
    the_team = policy.get_team_for_user(request.user, team_id)
    query = WorklistQuery.parse(request.GET)
    try:
        worklist = selectors.team_worklist(request.user, the_team, query)
    except NO_CASEWORK:
        worklist = None
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = the_team.case_system_id or str(the_team.pk)
    response["Content-Disposition"] = f'attachment; filename="worklist-{name}.csv"'
    out = csv.writer(response)
    out.writerow(
        [
            "person_id",
            "name",
            "cohorts",
            "worker_id",
            "worker_name",
            "flags",
            "flag_labels",
            "oldest_flag_since",
            "snapshot_as_at",
        ]
    )
    if worklist is None:
        return response
    as_at = worklist.snapshot.as_at.isoformat()
    # An export holds every listed child's name: each is a view of that child's record.
    access_log_record_many(
        user=request.user, person_ids=(r.person_id for r in worklist.rows), path=request.path
    )
    for row in worklist.rows:
        out.writerow(
            [
                _csv_cell(v)
                for v in (
                    row.person_id,
                    row.name,
                    ";".join(COHORTS.get(c, c) for c in row.cohorts),
                    row.worker_id,
                    row.worker_name,
                    ";".join(row.flag_ids),
                    ";".join(flag(f).label for f in row.flag_ids),
                    row.oldest_flag.isoformat() if row.oldest_flag else "",
                    as_at,
                )
            ]
        )
    return response


@require_GET
def service(request: HttpRequest) -> HttpResponse:
    snapshot, groups = selectors.service_comparisons(request.user)
    return render(request, "worklists/service.html", {"snapshot": snapshot, "groups": groups})


@require_GET
def chronology(request: HttpRequest, person_id: str) -> HttpResponse:
    record = selectors.chronology_for_user(request.user, person_id)
    access_log_record(
        user=request.user,
        person_id=record.access.person_id,
        purpose=record.access.purpose,
        path=request.path,
    )
    return render(request, "worklists/chronology.html", {"record": record})
