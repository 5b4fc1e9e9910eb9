from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from lineofsight.accounts.services import access_log_record
from lineofsight.web.filters import refuses_bad_filters

from . import chronology as chronology_events
from . import selectors

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
        "children/chronology.html",
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
