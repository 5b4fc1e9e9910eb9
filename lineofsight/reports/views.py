"""Committee report pages: the list, starting a report, writing its three sections with a
preview of its figures. Downloading it as Word or PDF, which the worker prepares, is
views_export.py.

A report's figures cover the whole council, so only roles that see everything and may see the
indicators (quality assurance leads, senior leaders, analysts) read and download reports; team
and service managers, whose scope is their own team or service, get 403 (issue 11). Writing needs
WRITE_COMMITTEE_REPORTS.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.casework import store
from lineofsight.history.services import history_for
from lineofsight.web.forms import edit_values, form_page, form_status, submit

from . import document, figures, services
from .forms import ReportCreateForm, ReportTextForm
from .models import CommitteeReport

_FIELD_LABELS = {
    "title": "Title",
    "period_end": "Year",
    "snapshot_id": "Case data",
    "figures_counted_at": "Audits, supervision and actions counted again",
    **{key: title for key, title, _ in document.SECTIONS},
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def get_report_for_user(user: User, pk: int) -> CommitteeReport:
    """The report, or 404 if there is none (callers are gated by READ_COMMITTEE_REPORTS)."""
    try:
        return CommitteeReport.objects.select_related("snapshot", "created_by", "updated_by").get(
            pk=pk
        )
    except CommitteeReport.DoesNotExist:
        raise Http404("No such report") from None


@require_GET
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def report_list(request: HttpRequest) -> HttpResponse:
    reports = CommitteeReport.objects.select_related("snapshot", "updated_by")
    return render(
        request,
        "reports/committee_list.html",
        {
            "reports": [(r, figures.period_text(r.period_end)) for r in reports],
            "may_write": policy.can(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.WRITE_COMMITTEE_REPORTS)
def report_create(request: HttpRequest) -> HttpResponse:
    snapshot = store.current_snapshot()
    if snapshot is None:
        return render(request, "reports/committee_create.html", {"snapshot": None})
    ends = services.period_end_choices(snapshot)
    form = ReportCreateForm(
        request.POST or None,
        period_ends=ends,
        initial={
            "title": f"Quality of practice, {ends[0].year - 1} to {ends[0].year}",
            "period_end": ends[0].isoformat(),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.report_create(actor=request.user, snapshot=snapshot, **data),
        template="reports/committee_create.html",
        context={"snapshot": snapshot, "snapshot_line": figures.snapshot_line(snapshot)},
        message="Report started. Write its three sections below.",
        done=lambda report: redirect("reports:committee_detail", pk=report.pk),
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_report_for_user(request.user, pk)
    may_write = policy.can(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
    form = ReportTextForm(initial=_text_values(item))
    if request.method == "POST":
        policy.require(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
        form = ReportTextForm(request.POST)
        if submit(
            request,
            form,
            lambda data: services.report_update_text(
                actor=request.user, report=item, **edit_values(data)
            ),
            saved=_text_values,
        ):
            messages.success(request, "Your text has been saved.")
            return redirect("reports:committee_detail", pk=item.pk)
    return render(
        request,
        "reports/committee_detail.html",
        {
            "item": item,
            "form": form,
            "sections": [form[key] for key, _, _ in document.SECTIONS],
            "may_write": may_write,
            "figures": figures.figures(item),
            "history": [
                (event, ", ".join(_FIELD_LABELS.get(k, k) for k in event.changes))
                for event in history_for(item)[:20]
            ],
        },
        status=form_status(request, form),
    )


def _text_values(report: CommitteeReport) -> dict[str, object]:
    """The report as the text form's values: to start from, and to compare after a conflict."""
    return {name: getattr(report, name) for name in ReportTextForm.base_fields}


@require_POST
@policy.requires(policy.Capability.READ_COMMITTEE_REPORTS)
def report_count(request: HttpRequest, pk: int) -> HttpResponse:
    """Count the report's audits, supervision and improvement actions again as they stand now."""
    item = get_report_for_user(request.user, pk)
    policy.require(request.user, policy.Capability.WRITE_COMMITTEE_REPORTS)
    try:
        expected = int(request.POST.get("version", ""))
    except ValueError:
        expected = -1
    try:
        saved = services.report_figures_count(
            actor=request.user, report=item, expected_version=expected
        )
    except services.ReportChangedMeanwhile:
        messages.error(
            request,
            "Someone saved this report after you opened it, so the figures were not counted "
            "again. Check the page, then try again.",
        )
    else:
        messages.success(
            request,
            "Audits, supervision and improvement actions are counted again as they stand at "
            f"{figures.moment_text(saved.figures_counted_at)}. The downloads now give these "
            "figures.",
        )
    return redirect("reports:committee_detail", pk=item.pk)


def filename_for(item: CommitteeReport, extension: str) -> str:
    """The name a downloaded file is saved under."""
    name = slugify(item.title)[:60] or "committee-report"
    return f"{name}-{item.period_end:%Y-%m-%d}-report-{item.pk}.{extension}"
