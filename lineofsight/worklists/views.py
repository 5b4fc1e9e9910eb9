from __future__ import annotations

import csv
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.accounts.services import access_log_record, access_log_record_many
from lineofsight.web.filters import refuses_bad_filters
from lineofsight.web.spreadsheet import safe_text

from . import chronology as chronology_events
from . import comparison, hooks, selection, selectors
from .flags import COHORTS, flag
from .query import WorklistQuery
from .selectors import NO_CASEWORK
from .wording import event_words, visit_words

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
def mine(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
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
            "days_overdue",
            "overdue_item",
            "overdue_due_date",
            "last_visit",
            "last_visit_seen",
            "next_due",
            "next_due_item",
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
                    _or_blank(row.days_overdue(worklist.snapshot.as_at)),
                    event_words(row.overdue_item) if row.overdue_item else "",
                    _or_blank(row.overdue_since),
                    _or_blank(row.last_visit),
                    visit_words(row) if row.last_visit else "",
                    _or_blank(row.next_due),
                    event_words(row.next_due_item) if row.next_due_item else "",
                )
            ]
        )
    return response


@require_GET
@refuses_bad_filters
def service(request: HttpRequest) -> HttpResponse:
    found = comparison.teams_compared(request.user, request.GET)
    return render(request, "worklists/service.html", {"comparison": found})


NOTES_PER_PAGE = 20


def _same_site_path(request: HttpRequest, url: str) -> str:
    """`url` as a path on this site ("/worklists/team/3/?flag=x"), or "" if it is not one:
    another host, another scheme, a scheme-relative "//host" or anything odd."""
    if not url or len(url) > 2000:
        return ""
    if not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(url)
    path = parts.path
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return ""
    return path + (f"?{parts.query}" if parts.query else "")


def _back_link(request: HttpRequest) -> str:
    """Where the chronology's back link goes: the `back` parameter if it is a path on this
    site, else the page the user came from (on this site, and not this page itself), else
    the worklists."""
    back = request.GET.get("back", "")
    if back.startswith("/"):  # only relative paths, never a full address
        found = _same_site_path(request, back)
        if found and urlsplit(found).path != request.path:
            return found
    referer = _same_site_path(request, request.headers.get("referer", ""))
    if referer and urlsplit(referer).path != request.path:
        return referer
    return reverse("worklists:index")


@require_GET
@refuses_bad_filters
def chronology(request: HttpRequest, person_id: str) -> HttpResponse:
    order = chronology_events.parse_order(request.GET.get("order"))
    notes_page = chronology_events.parse_page(request.GET.get("notes_page"))
    record = selectors.chronology_for_user(request.user, person_id)
    access_log_record(
        user=request.user,
        person_id=record.access.person_id,
        purpose=record.access.purpose,
        path=request.path,
    )
    notes = chronology_events.case_notes_in(
        record.snapshot, record.access.person_id, per_page=NOTES_PER_PAGE, page=notes_page
    )
    back = _back_link(request)

    def link(**changes) -> str:
        params = {"order": order, "back": back, "notes_page": notes.page, **changes}
        return f"?{urlencode({k: v for k, v in params.items() if v})}"

    return render(
        request,
        "worklists/chronology.html",
        {
            "record": record,
            "events": chronology_events.in_order(record.events, order),
            "order": order,
            "orders": [
                (key, label, link(order=key, notes_page=None))
                for key, label in chronology_events.ORDERS.items()
            ],
            "back": back,
            "notes": notes,
            "notes_previous": link(notes_page=notes.page - 1) + "#case-notes"
            if notes.page > 1
            else "",
            "notes_next": link(notes_page=notes.page + 1) + "#case-notes"
            if notes.page < notes.pages
            else "",
        },
    )
