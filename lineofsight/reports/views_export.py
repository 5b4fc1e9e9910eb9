"""Downloading a committee report or a self-evaluation as Word or PDF. The file is prepared by the
worker, not in the web request (exports.py): the download page asks for it, a page that shows
how it is going while the worker prepares it (web/includes/waiting.html) then offers the file,
and only the person who asked may download it. The self-evaluation's download views
(views_selfevaluation.py) call `download`.

The gates are those of the report and the self-evaluation alike: READ_COMMITTEE_REPORTS (403 for
any other role) and 404 for one that does not exist; an export someone else asked for is 404.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import User

from . import exports, services
from .models import CommitteeExport, CommitteeReport, ExportFormat, ExportStatus, SelfEvaluation
from .views import DOCX_TYPE, filename_for, get_report_for_user

CONTENT_TYPES = {ExportFormat.DOCX: DOCX_TYPE, ExportFormat.PDF: "application/pdf"}


def _selfevaluation_filename(item: SelfEvaluation, extension: str) -> str:
    name = slugify(item.title)[:60] or "self-evaluation"
    return f"{name}-{item.year_end:%Y-%m-%d}-version-{item.number}-{item.pk}.{extension}"


@dataclass(frozen=True)
class Kind:
    """What differs between downloading a committee report and a self-evaluation."""

    field: str  # CommitteeExport's foreign key to it
    noun: str  # as the pages speak of it
    detail_url: str
    post_urls: dict[ExportFormat, str]
    filename: Callable[[exports.Item, str], str]


KINDS: dict[type, Kind] = {
    CommitteeReport: Kind(
        field="report",
        noun="report",
        detail_url="reports:committee_detail",
        post_urls={
            ExportFormat.DOCX: "reports:committee_docx",
            ExportFormat.PDF: "reports:committee_pdf",
        },
        filename=filename_for,
    ),
    SelfEvaluation: Kind(
        field="self_evaluation",
        noun="self-evaluation",
        detail_url="reports:selfevaluation_detail",
        post_urls={
            ExportFormat.DOCX: "reports:selfevaluation_docx",
            ExportFormat.PDF: "reports:selfevaluation_pdf",
        },
        filename=_selfevaluation_filename,
    ),
}


def get_export_for_user(user: User, pk: int) -> CommitteeExport:
    """The export, or 404 unless `user` asked for it (callers are gated by
    READ_COMMITTEE_REPORTS): a prepared file is its requester's alone."""
    try:
        return CommitteeExport.objects.select_related(
            "report__snapshot", "self_evaluation__snapshot"
        ).get(pk=pk, requested_by=user)
    except CommitteeExport.DoesNotExist:
        raise Http404("No such download") from None


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return download(request, get_report_for_user(request.user, pk), ExportFormat.DOCX)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return download(request, get_report_for_user(request.user, pk), ExportFormat.PDF)


def download(request: HttpRequest, item: exports.Item, fmt: ExportFormat) -> HttpResponse:
    """GET: what a download is, with a button to prepare one; POST: ask the worker for it.
    `item` is the report or self-evaluation, found by a view that has gated it."""
    kind = KINDS[type(item)]
    if request.method == "POST":
        export = services.committee_export_request(user=request.user, fmt=fmt, **{kind.field: item})
        return redirect("reports:committee_export", pk=export.pk)
    latest = CommitteeExport.objects.filter(
        **{kind.field: item}, requested_by=request.user, fmt=fmt
    ).first()
    if latest is not None:
        latest = exports.close_if_abandoned(latest)
    return render(
        request,
        "reports/committee_download.html",
        {
            "item": item,
            "kind": kind,
            "fmt": fmt,
            "latest": latest,
            "ready": latest is not None and exports.is_current(latest, item),
            "post_url": kind.post_urls[fmt],
        },
    )


@require_GET
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def committee_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The download being prepared (with a button to check again), then the link."""
    export = exports.close_if_abandoned(get_export_for_user(request.user, pk))
    item = export.item
    kind = KINDS[type(item)]
    ready = exports.is_current(export, item)
    return render(
        request,
        "reports/committee_export.html",
        {
            "export": export,
            "item": item,
            "kind": kind,
            "ready": ready,
            "out_of_date": _out_of_date(export, item, kind, ready),
            "waiting_long": export.is_pending and export.created_at < _long_ago(),
            "failure": [export.failure_message or "It stopped before the file was ready."],
            "post_url": kind.post_urls[ExportFormat(export.fmt)],
        },
    )


@require_GET
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def committee_export_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The prepared file; while it is not ready (or no longer is), its page, which says why."""
    export = get_export_for_user(request.user, pk)
    item = export.item
    path = exports.path_of(export)
    if path is None or not exports.is_current(export, item):
        return redirect("reports:committee_export", pk=export.pk)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        # Removed by `lineofsight purge` since the check above: the page says it is gone.
        return redirect("reports:committee_export", pk=export.pk)
    fmt = ExportFormat(export.fmt)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=KINDS[type(item)].filename(item, fmt.value),
        content_type=CONTENT_TYPES[fmt],
    )
    response["Cache-Control"] = "no-store"
    return response


def _long_ago() -> datetime.datetime:
    """Waiting longer than this, the page says the worker may be busy (an import comes first)."""
    minutes = getattr(settings, "INTAKE_WORKER_STALE_MINUTES", 5)
    return timezone.now() - datetime.timedelta(minutes=minutes)


def _out_of_date(export: CommitteeExport, item: exports.Item, kind: Kind, ready: bool) -> str:
    """Why a file that was prepared can no longer be downloaded, in plain words."""
    if ready or export.status != ExportStatus.DONE:
        return ""
    if export.built_version != item.version:
        return f"The {kind.noun} has been changed since this file was prepared."
    return "This file is no longer kept: files are kept for a short time after they are prepared."
