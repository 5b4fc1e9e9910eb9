"""Self-evaluation pages: the list, starting one, its page with every area, writing one area's
three answers beside its evidence, signing off, starting the next version, and the downloads
(prepared by the worker, as the committee report's are: views_export.py).

Readers and writers are the committee report's (READ_COMMITTEE_REPORTS, WRITE_COMMITTEE_REPORTS):
the evidence covers the whole council. Signing off needs SIGN_OFF_SELF_EVALUATION.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.casework import store
from lineofsight.history.services import history_for
from lineofsight.web.errors import ServiceError
from lineofsight.web.forms import edit_values, form_page, form_status, submit

from . import figures, views_export
from . import selfevaluation_document as se_document
from . import selfevaluation_evidence as se_evidence
from . import selfevaluation_services as services
from .models import ExportFormat, SelfEvaluation
from .selfevaluation_forms import AreaAnswersForm, SelfEvaluationCreateForm
from .services import period_end_choices

READ = policy.Capability.READ_COMMITTEE_REPORTS
WRITE = policy.Capability.WRITE_COMMITTEE_REPORTS
SIGN_OFF = policy.Capability.SIGN_OFF_SELF_EVALUATION
_ACTIONS = {
    "self_evaluation_create": "Started",
    "self_evaluation_update_area": "Answers saved",
    "self_evaluation_sign_off": "Signed off",
    "self_evaluation_new_version": "Started from the version before",
}


def _get(pk: int) -> SelfEvaluation:
    """The self-evaluation, or 404 (callers are gated by READ_COMMITTEE_REPORTS)."""
    try:
        return SelfEvaluation.objects.select_related(
            "snapshot", "created_by", "updated_by", "signed_off_by", "previous"
        ).get(pk=pk)
    except SelfEvaluation.DoesNotExist:
        raise Http404("No such self-evaluation") from None


def _expected_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_GET
@policy.requires(READ)
def selfevaluation_list(request: HttpRequest) -> HttpResponse:
    items = SelfEvaluation.objects.select_related("snapshot", "updated_by", "signed_off_by")
    return render(
        request,
        "reports/selfevaluation/list.html",
        {
            "items": [(item, figures.period_text(item.year_end)) for item in items],
            "may_write": policy.can(request.user, WRITE),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(WRITE)
def selfevaluation_create(request: HttpRequest) -> HttpResponse:
    snapshot = store.current_snapshot()
    if snapshot is None:
        return render(request, "reports/selfevaluation/create.html", {"snapshot": None})
    ends = period_end_choices(snapshot)
    form = SelfEvaluationCreateForm(
        request.POST or None,
        year_ends=ends,
        initial={
            "title": f"Self-evaluation, {ends[0].year - 1} to {ends[0].year}",
            "year_end": ends[0].isoformat(),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.self_evaluation_create(actor=request.user, snapshot=snapshot, **data),
        template="reports/selfevaluation/create.html",
        context={"snapshot": snapshot, "snapshot_line": figures.snapshot_line(snapshot)},
        message="Self-evaluation started. Each area has a first draft from the evidence: check "
        "it and write it in your own words.",
        done=lambda item: redirect("reports:selfevaluation_detail", pk=item.pk),
    )


@require_GET
@policy.requires(READ)
def selfevaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(pk)
    following = SelfEvaluation.objects.filter(previous=item).first()
    return render(
        request,
        "reports/selfevaluation/detail.html",
        {
            "item": item,
            "status_line": se_document.status_line(item),
            "period": figures.period_text(item.year_end),
            "counted_text": se_evidence.counted_text(item.frozen_evidence),
            "snapshot_line": item.frozen_evidence.get("snapshot_line", ""),
            "areas": [
                (ev, [(q, item.answers.get(ev.area.key, {}).get(k, "")) for k, q, _ in _Q])
                for ev in se_evidence.all_evidence(item.frozen_evidence)
            ],
            "may_write": policy.can(request.user, WRITE) and not item.is_signed_off,
            "may_sign_off": policy.can(request.user, SIGN_OFF) and not item.is_signed_off,
            "may_start_next": policy.can(request.user, WRITE)
            and item.is_signed_off
            and following is None,
            "following": following,
            "history": [
                (event, _ACTIONS.get(event.action, event.action))
                for event in history_for(item)[:20]
            ],
        },
    )


_Q = se_document.QUESTIONS


@require_http_methods(["GET", "POST"])
@policy.requires(READ)
def selfevaluation_area(request: HttpRequest, pk: int, area: str) -> HttpResponse:
    item = _get(pk)
    if area not in se_evidence.AREA_KEYS:
        raise Http404("No such area")
    ev = se_evidence.evidence_of(item.frozen_evidence, area)
    may_write = policy.can(request.user, WRITE) and not item.is_signed_off
    form = AreaAnswersForm(initial=_values(item, area))
    if request.method == "POST":
        policy.require(request.user, WRITE)
        form = AreaAnswersForm(request.POST)
        if submit(
            request,
            form,
            lambda data: services.self_evaluation_update_area(
                actor=request.user, item=item, area=area, **edit_values(data)
            ),
            saved=lambda current: _values(current, area),
        ):
            messages.success(request, f"Your answers on {ev.area.title.lower()} have been saved.")
            return redirect("reports:selfevaluation_detail", pk=item.pk)
        item.refresh_from_db()
        may_write = may_write and not item.is_signed_off
    answers = item.answers.get(area, {})
    return render(
        request,
        "reports/selfevaluation/area.html",
        {
            "item": item,
            "ev": ev,
            "form": form,
            "may_write": may_write,
            "fields": [form[key] for key, _, _ in _Q],
            "answers": [(q, answers.get(k, "")) for k, q, _ in _Q],
            "sentences": se_document.evidence_sentences(ev),
            "status_line": se_document.status_line(item),
        },
        status=form_status(request, form),
    )


def _values(item: SelfEvaluation, area: str) -> dict[str, object]:
    answers = item.answers.get(area, {})
    return {**{k: answers.get(k, "") for k, _, _ in _Q}, "version": item.version}


@require_POST
@policy.requires(READ)
def selfevaluation_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(pk)
    policy.require(request.user, SIGN_OFF)
    try:
        services.self_evaluation_sign_off(
            actor=request.user, item=item, expected_version=_expected_version(request)
        )
    except services.SelfEvaluationChangedMeanwhile:
        messages.error(
            request,
            "Someone saved this self-evaluation after you opened it, so it was not signed off. "
            "Read it again, then sign it off.",
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Version {item.number} is signed off. It can no longer change.")
    return redirect("reports:selfevaluation_detail", pk=item.pk)


@require_POST
@policy.requires(READ)
def selfevaluation_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    item = _get(pk)
    policy.require(request.user, WRITE)
    try:
        made = services.self_evaluation_new_version(actor=request.user, item=item)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("reports:selfevaluation_detail", pk=item.pk)
    messages.success(request, f"Version {made.number} started from version {item.number}'s text.")
    return redirect("reports:selfevaluation_detail", pk=made.pk)


@require_http_methods(["GET", "POST"])
@policy.requires(READ)
def selfevaluation_docx(request: HttpRequest, pk: int) -> HttpResponse:
    return views_export.download(request, _get(pk), ExportFormat.DOCX)


@require_http_methods(["GET", "POST"])
@policy.requires(READ)
def selfevaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return views_export.download(request, _get(pk), ExportFormat.PDF)
