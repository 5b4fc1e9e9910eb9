"""Committee report pages: the list, starting a report, writing its three sections with a
preview of its figures, and downloading it as Word or PDF.

A report's figures cover the whole council, so only roles that see everything and may see the
indicators (quality assurance leads, senior leaders, analysts) read and download reports; team
and service managers, whose scope is their own team or service, get 403 (issue 11). Writing needs
WRITE_COMMITTEE_REPORTS.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.casework import store
from lineofsight.history.services import history_for
from lineofsight.web import documents

from . import report, report_services
from .models import CommitteeReport
from .report_forms import ReportCreateForm, ReportTextForm

_FIELD_LABELS = {
    "title": "Title",
    "period_end": "Year",
    "snapshot_id": "Case data",
    "figures_counted_at": "Audits, supervision and actions counted again",
    **{key: title for key, title, _ in report.SECTIONS},
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def may_read(user: User) -> bool:
    """Committee reports are council-wide: for roles that see the indicators and everything."""
    return (
        policy.can(user, policy.Capability.VIEW_INDICATORS)
        and policy.scope_for(user) is policy.Scope.EVERYTHING
    )


def require_read(user: User) -> None:
    policy.require(user, policy.Capability.VIEW_INDICATORS)
    if not may_read(user):
        raise PermissionDenied(
            "Committee reports cover the whole council. They are for quality assurance leads, "
            "senior leaders and analysts."
        )


def get_report_for_user(user: User, pk: int) -> CommitteeReport:
    """The report, for roles that may read reports (403 otherwise); 404 if there is none."""
    require_read(user)
    try:
        return CommitteeReport.objects.select_related("snapshot", "created_by", "updated_by").get(
            pk=pk
        )
    except CommitteeReport.DoesNotExist:
        raise Http404("No such report") from None


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    require_read(request.user)
    reports = CommitteeReport.objects.select_related("snapshot", "updated_by")
    return render(
        request,
        "indicators/report_list.html",
        {
            "reports": [(r, report.period_text(r.period_end)) for r in reports],
            "may_write": policy.can(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS),
        },
    )


@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
    snapshot = store.current_snapshot()
    if snapshot is None:
        return render(request, "indicators/report_create.html", {"snapshot": None})
    ends = report_services.period_end_choices(snapshot)
    form = ReportCreateForm(
        request.POST or None,
        period_ends=ends,
        initial={
            "title": f"Quality of practice, {ends[0].year - 1} to {ends[0].year}",
            "period_end": ends[0].isoformat(),
        },
    )
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            made = report_services.report_create(
                actor=request.user,
                title=form.cleaned_data["title"],
                period_end=form.cleaned_data["period_end"],
                snapshot=snapshot,
            )
        except report_services.ReportError as exc:
            error = str(exc)
        else:
            messages.success(request, "Report started. Write its three sections below.")
            return redirect("indicators:report_detail", pk=made.pk)
    return render(
        request,
        "indicators/report_create.html",
        {
            "snapshot": snapshot,
            "snapshot_line": report.snapshot_line(snapshot),
            "form": form,
            "error": error,
        },
    )


@require_http_methods(["GET", "POST"])
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_report_for_user(request.user, pk)
    may_write = policy.can(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
    initial = {
        "title": item.title,
        "what_we_know": item.what_we_know,
        "how_we_know": item.how_we_know,
        "what_next": item.what_next,
        "version": item.version,
    }
    form = ReportTextForm(initial=initial)
    error, current = "", None
    if request.method == "POST":
        policy.require(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
        form = ReportTextForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                report_services.report_update_text(
                    actor=request.user,
                    report=item,
                    expected_version=data["version"],
                    title=data["title"],
                    what_we_know=data["what_we_know"],
                    how_we_know=data["how_we_know"],
                    what_next=data["what_next"],
                )
            except report_services.ReportChangedMeanwhile as exc:
                error, current = str(exc), exc.current
                # The next save is over what the other person saved, now that it is shown.
                form = ReportTextForm({**request.POST.dict(), "version": current.version})
                form.is_valid()
            except report_services.ReportError as exc:
                error = str(exc)
            else:
                messages.success(request, "Your text has been saved.")
                return redirect("indicators:report_detail", pk=item.pk)
    sections = [
        (form[key], getattr(current, key) if current else "") for key, _, _ in report.SECTIONS
    ]
    return render(
        request,
        "indicators/report_detail.html",
        {
            "item": item,
            "form": form,
            "sections": sections,
            "error": error,
            "current": current,
            "has_errors": bool(error or form.errors),
            "may_write": may_write,
            "figures": report.figures(item),
            "history": [
                (event, ", ".join(_FIELD_LABELS.get(k, k) for k in event.changes))
                for event in history_for(item)[:20]
            ],
        },
    )


@require_POST
def report_count(request: HttpRequest, pk: int) -> HttpResponse:
    """Count the report's audits, supervision and improvement actions again as they stand now."""
    item = get_report_for_user(request.user, pk)
    policy.require(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    try:
        saved = report_services.report_figures_count(
            actor=request.user, report=item, expected_version=expected
        )
    except report_services.ReportChangedMeanwhile:
        messages.error(
            request,
            "Someone saved this report after you opened it, so the figures were not counted "
            "again. Check the page, then try again.",
        )
    else:
        messages.success(
            request,
            "Audits, supervision and improvement actions are counted again as they stand at "
            f"{report.moment_text(saved.figures_counted_at)}. The downloads now give these "
            "figures.",
        )
    return redirect("indicators:report_detail", pk=item.pk)


def _filename(item: CommitteeReport, extension: str) -> str:
    name = slugify(item.title)[:60] or "committee-report"
    return f"{name}-{item.period_end:%Y-%m-%d}-report-{item.pk}.{extension}"


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_report_for_user(request.user, pk)
    data = documents.render_docx(report.build_report(item))
    return _download(data, DOCX_TYPE, _filename(item, "docx"))


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_report_for_user(request.user, pk)
    data = documents.render_pdf(report.build_report(item))
    return _download(data, "application/pdf", _filename(item, "pdf"))
