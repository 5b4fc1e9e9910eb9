from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose, Role
from lineofsight.accounts.services import access_log_record, access_log_record_many
from lineofsight.actions import selectors as action_selectors
from lineofsight.actions.forms import ActionForm
from lineofsight.actions.models import SourceType
from lineofsight.casework import store
from lineofsight.concerns import selectors as concern_selectors
from lineofsight.history.services import history_for
from lineofsight.worklists import chronology
from lineofsight.worklists import selectors as worklist_selectors

from . import casefiles, exports, reports, selectors, services
from .concern_source import SOURCE_TYPE as CONCERN_SOURCE
from .forms import (
    AddFileForm,
    AgreementFilterForm,
    AuditForm,
    ModerationAgreeForm,
    ModerationDrawForm,
    ModerationGradeForm,
    ModerationRateForm,
    ProgrammeForm,
    ReassignForm,
    ReopenForm,
    RespondForm,
    SampleForm,
)
from .grades import GRADES_BEST_FIRST, Cohort, Grade
from .models import Audit, AuditStatus, AuditVersion, Moderation, ModerationStatus

MANAGE = policy.Capability.MANAGE_AUDIT_PROGRAMMES


def _log_child(request: HttpRequest, audit: Audit) -> None:
    access_log_record(
        user=request.user,
        person_id=audit.person_id,
        purpose=AccessPurpose.AUDIT,
        path=request.get_full_path(),
    )


def _log_children(request: HttpRequest, audits) -> None:
    """A list naming children (by person ID): each is a view of that child's record."""
    access_log_record_many(
        user=request.user,
        person_ids=(a.person_id for a in audits),
        purpose=AccessPurpose.AUDIT,
        path=request.get_full_path(),
    )


def _context_for(audit: Audit) -> casefiles.ChildContext:
    return casefiles.child_context(audit.person_id)


CASE_NOTES_SHOWN = 10


def _case_notes_for(request: HttpRequest, audit: Audit, context: casefiles.ChildContext):
    """The child's latest case notes, beside the audit's questions, or None. Only for a user
    who may see the child through this audit (its auditor, or a role that sees every audit);
    the page has logged the view with purpose audit. The notes are the council's record, not
    the auditor's work, so blind moderation does not hide them. The chronology holds them all,
    linked when the user may open it."""
    user = request.user
    if not context.available or context.snapshot is None:
        return None
    if not (selectors.is_auditor(user, audit) or selectors.sees_all(user)):
        return None
    notes = chronology.case_notes_in(context.snapshot, audit.person_id, per_page=CASE_NOTES_SHOWN)
    link = ""
    if worklist_selectors.may_see_child(user, audit.person_id):
        query = urlencode({"back": request.get_full_path()})
        link = f"{reverse('worklists:chronology', args=[audit.person_id])}?{query}#case-notes"
    return {"found": notes, "chronology": link}


# -- worklist ----------------------------------------------------------------------------------


@require_GET
def my_audits(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.VIEW_CASEWORK)
    work = selectors.audit_work(request.user)
    _log_children(
        request,
        [
            *work.to_do,
            *work.submitted,
            *(m.audit for m in work.moderations),
            *(r.audit for r in work.responses),
            *work.my_cases,
            *work.area,
        ],
    )
    return render(
        request,
        "audits/my_audits.html",
        {
            "work": work,
            "today": timezone.localdate(),
            "can_manage": policy.can(request.user, MANAGE),
        },
    )


# -- tools -------------------------------------------------------------------------------------


@require_GET
def tools(request: HttpRequest) -> HttpResponse:
    return render(request, "audits/tools.html", {"versions": selectors.tool_versions()})


@require_GET
def tool_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = selectors.get_tool_version(pk)
    return render(
        request,
        "audits/tool_detail.html",
        {
            "version": version,
            "sections": selectors.tool_structure(version),
            "overall": _descriptor_list(version.overall_descriptors),
        },
    )


def _descriptor_list(descriptors: dict) -> list[tuple[str, str]]:
    keys = ["outstanding", "good", "requires_improvement", "inadequate"]
    return [(g.label, descriptors.get(k, "")) for g, k in zip(GRADES_BEST_FIRST, keys, strict=True)]


# -- programmes --------------------------------------------------------------------------------


@require_GET
def programmes(request: HttpRequest) -> HttpResponse:
    rows = selectors.programme_rows_for(request.user)
    return render(
        request,
        "audits/programmes.html",
        {"programmes": rows, "can_manage": policy.can(request.user, MANAGE)},
    )


@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, MANAGE)
    form = ProgrammeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            programme = services.programme_create(
                actor=request.user,
                name=data["name"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                tool_version=data["tool_version"],
                sample_mode=data["sample_mode"],
                sample_count=data.get("sample_count"),
                sample_share=data.get("sample_share"),
                cohorts=data["cohorts"],
                teams=list(data["teams"]),
                exclude_recent_months=data["exclude_recent_months"],
                excluded_person_ids=data["excluded_person_ids"],
                exclusion_reason=data["exclusion_reason"],
                auditor_roles=data["auditor_roles"],
                moderator_roles=data["moderator_roles"],
                audit_due_days=data["audit_due_days"],
                safeguarding_response_hours=data["safeguarding_response_hours"],
            )
        except services.AuditError as exc:
            error = str(exc)
        else:
            messages.success(request, f"The programme {programme.name} has been created.")
            return redirect("audits:programme_detail", pk=programme.pk)
    return render(
        request,
        "audits/programme_form.html",
        {"form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    audits = (
        selectors.audits_visible_to(request.user)
        .filter(programme=programme)
        .select_related("auditor", "team")
        .order_by("id")
    )
    page = Paginator(audits, 100).get_page(request.GET.get("page"))
    _log_children(request, page.object_list)
    return render(
        request,
        "audits/programme_detail.html",
        {
            "programme": programme,
            "page": page,
            "today": timezone.localdate(),
            "can_manage": policy.can(request.user, MANAGE),
            "excluded": (programme.exclusions or {}).get("excluded", {}),
            "cohort_labels": dict(Cohort.choices),
            "auditor_roles": [Role(r).label for r in programme.auditor_roles if r in Role.values],
            "history": history_for(programme)[:20],
        },
    )


@require_http_methods(["GET", "POST"])
def programme_sample(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, MANAGE)
    programme = selectors.get_programme_for_user(request.user, pk)
    form = SampleForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = services.programme_draw_sample(
                actor=request.user, programme=programme, seed=form.cleaned_data["seed"]
            )
        except services.AuditError as exc:
            error = str(exc)
        else:
            text = f"{result.drawn} files drawn and allocated."
            if result.unallocated:
                text += f" {result.unallocated} could not be allocated: nobody eligible."
            messages.success(request, text)
            return redirect("audits:programme_detail", pk=programme.pk)
    return render(
        request,
        "audits/programme_sample.html",
        {
            "programme": programme,
            "form": form,
            "error": error,
            "snapshot": store.current_snapshot(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def programme_add_file(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, MANAGE)
    programme = selectors.get_programme_for_user(request.user, pk)
    form = AddFileForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            audit = services.programme_add_file(
                actor=request.user,
                programme=programme,
                person_id=form.cleaned_data["person_id"],
                reason=form.cleaned_data["reason"],
            )
        except services.AuditError as exc:
            error = str(exc)
        else:
            who = audit.auditor.full_name if audit.auditor else "nobody yet (no one eligible)"
            messages.success(request, f"Child {audit.person_id}'s file was added; auditor: {who}.")
            return redirect("audits:programme_detail", pk=programme.pk)
    return render(
        request,
        "audits/programme_add_file.html",
        {"programme": programme, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def programme_moderation(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, MANAGE)
    programme = selectors.get_programme_for_user(request.user, pk)
    rate_form = ModerationRateForm(initial={"rate": programme.moderation_rate or 10}, prefix="rate")
    draw_form = ModerationDrawForm(prefix="draw")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("form") == "rate":
                rate_form = ModerationRateForm(request.POST, prefix="rate")
                if rate_form.is_valid():
                    services.programme_set_moderation_rate(
                        actor=request.user, programme=programme, rate=rate_form.cleaned_data["rate"]
                    )
                    messages.success(request, "The moderation rate has been saved.")
                    return redirect("audits:programme_moderation", pk=programme.pk)
            elif request.POST.get("form") == "draw":
                draw_form = ModerationDrawForm(request.POST, prefix="draw")
                if draw_form.is_valid():
                    draw = services.moderation_draw(
                        actor=request.user, programme=programme, seed=draw_form.cleaned_data["seed"]
                    )
                    messages.success(
                        request,
                        f"{draw.moderations.count()} of {draw.considered} submitted audits chosen "
                        "for moderation.",
                    )
                    return redirect("audits:programme_moderation", pk=programme.pk)
        except services.AuditError as exc:
            error = str(exc)
    moderations = selectors.programme_moderations(programme)
    hidden = set(selectors.answers_hidden_from(request.user).values_list("pk", flat=True))
    has_errors = bool(error or rate_form.errors or draw_form.errors)
    return render(
        request,
        "audits/programme_moderation.html",
        {
            "programme": programme,
            "rate_form": rate_form,
            "draw_form": draw_form,
            "error": error,
            "has_errors": has_errors,
            "moderations": moderations,
            "hidden_audits": hidden,
            "draws": programme.moderation_draws.select_related("drawn_by"),
            "agreement": reports.agreement_report(moderations),
            "grade_labels": [g.label for g in GRADES_BEST_FIRST],
        },
        status=400 if has_errors else 200,
    )


def _report(request: HttpRequest, pk: int) -> reports.ProgrammeReport:
    programme = selectors.get_programme_for_user(request.user, pk)
    audits = selectors.report_audits(request.user, programme)
    return reports.programme_report(programme, audits)


@require_GET
def programme_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    scoped = not (
        selectors.sees_all(request.user)
        or policy.scope_for(request.user) is policy.Scope.EVERYTHING
    )
    blind_left_out = (
        selectors.answers_hidden_from(request.user).filter(programme=report.programme).exists()
    )
    return render(
        request,
        "audits/programme_report.html",
        {"report": report, "scoped": scoped, "blind_left_out": blind_left_out},
    )


def _download(content: bytes | str, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _file_stem(report: reports.ProgrammeReport) -> str:
    return f"audit-programme-{report.programme.pk}"


@require_GET
def programme_report_csv(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return _download(
        exports.report_csv(report), "text/csv; charset=utf-8", f"{_file_stem(report)}-grades.csv"
    )


@require_GET
def programme_report_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return _download(
        exports.report_xlsx(report),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{_file_stem(report)}.xlsx",
    )


@require_GET
def programme_report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    return _download(
        exports.report_docx(report),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{_file_stem(report)}-summary.docx",
    )


@require_GET
def agreement(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, MANAGE)
    form = AgreementFilterForm(request.GET or None)
    weights = "linear"
    if form.is_valid() and form.cleaned_data["weights"]:
        weights = form.cleaned_data["weights"]
    report = reports.agreement_report(Moderation.objects.all(), weights)
    return render(
        request,
        "audits/agreement.html",
        {"form": form, "agreement": report, "grade_labels": [g.label for g in GRADES_BEST_FIRST]},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# -- one audit ---------------------------------------------------------------------------------


def _answer_labels(audit: Audit) -> dict[str, str]:
    return {a["value"]: a["label"] for a in audit.programme.tool_version.answer_scale}


@require_GET
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    _log_child(request, audit)
    version = selectors.shown_version(request.user, audit)
    user = request.user
    moderation = Moderation.objects.filter(audit=audit).select_related("moderator").first()
    hide_grades = selectors.grades_hidden_for(user, audit)
    return render(
        request,
        "audits/audit_detail.html",
        {
            "audit": audit,
            "version": version,
            "content": selectors.version_content_for(user, version) if version else [],
            "answer_labels": _answer_labels(audit),
            "hide_grades": hide_grades,
            "versions": selectors.audit_versions(audit),
            # The change history and what others made of the audit carry its grades and
            # answers: none of it is shown to a moderator grading blind.
            "history": history_for(version)[:30] if version and not hide_grades else [],
            "context": _context_for(audit),
            "response": None if hide_grades else selectors.practitioner_response(audit),
            "concerns": concern_selectors.for_source(user, CONCERN_SOURCE, audit.pk),
            "actions": []
            if hide_grades
            else action_selectors.actions_for_source(user, SourceType.AUDIT, audit.pk),
            "moderation": moderation,
            "show_moderation": moderation is not None
            and (selectors.sees_all(user) or moderation.moderator_id == user.pk),
            "can_edit": selectors.can_edit(user, audit),
            "can_reopen": selectors.can_reopen(user, audit),
            "can_respond": selectors.can_respond(user, audit),
            "can_raise_concern": selectors.can_raise_concern(user, audit),
            "can_add_action": selectors.can_add_action(user, audit),
            "can_manage": selectors.sees_all(user),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def audit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    if audit.status == AuditStatus.SUBMITTED:
        messages.info(
            request,
            "This audit has been submitted and is locked. To change it, open a new version.",
        )
        return redirect("audits:audit_detail", pk=audit.pk)
    if not selectors.can_edit(request.user, audit):
        raise PermissionDenied("Only the auditor, or a quality assurance lead, may edit this.")
    _log_child(request, audit)
    tool = audit.programme.tool_version
    structure = selectors.tool_structure(tool)
    version = services.current_version(audit)
    error = ""
    conflict = ""
    theirs: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = AuditForm(request.POST, tool=tool, structure=structure)
        if form.is_valid():
            submit = request.POST.get("action") == "submit"
            answers, sections = _audit_inputs(form, structure)
            top = {
                "overall_grade": form.cleaned_data["overall_grade"],
                "overall_rationale": form.cleaned_data["overall_rationale"],
                "impact": form.cleaned_data["impact"],
                "impact_rationale": form.cleaned_data["impact_rationale"],
            }
            try:
                services.audit_save(
                    actor=request.user,
                    audit=audit,
                    token=form.cleaned_data["token"],
                    answers=answers,
                    sections=sections,
                    submit=submit,
                    **top,
                )
            except services.AuditIncomplete as exc:
                # Keep the work: save it as a draft, then say what is still needed.
                services.audit_save(
                    actor=request.user,
                    audit=audit,
                    token=form.cleaned_data["token"],
                    answers=answers,
                    sections=sections,
                    submit=False,
                    **top,
                )
                version = services.current_version(audit)
                data = request.POST.copy()
                data["token"] = services.edit_token(version)
                form = AuditForm(data, tool=tool, structure=structure)
                form.is_valid()
                for field, message in exc.missing:
                    form.add_error(field, message)
                error = "Your work has been saved as a draft, but it cannot be submitted yet."
                status = 400
            except services.AuditEditConflict as exc:
                version = services.current_version(audit)
                saved = AuditForm.initial_from(version, structure)
                theirs = form.differences(saved, _field_labels(form, tool))
                # The form now carries the latest token: saving again is a deliberate choice
                # to replace what the other person saved, with their answers shown beside.
                data = request.POST.copy()
                data["token"] = services.edit_token(version)
                form = AuditForm(data, tool=tool, structure=structure)
                form.is_valid()
                conflict = str(exc)
                status = 409
            except services.AuditLocked:
                conflict = (
                    "Someone submitted this audit after you opened it, so it is locked and your "
                    "changes have not been saved. They are still in the form below: copy what "
                    "you need, then open a new version from the audit's page."
                )
                status = 409
            except services.AuditError as exc:
                error = str(exc)
                status = 400
            else:
                if submit:
                    messages.success(request, "The audit has been submitted and is now locked.")
                    return redirect("audits:audit_detail", pk=audit.pk)
                messages.success(request, "Your work on the audit has been saved.")
                return redirect("audits:audit_edit", pk=audit.pk)
        else:
            status = 400
    else:
        initial = AuditForm.initial_from(version, structure)
        initial["token"] = services.edit_token(version)
        form = AuditForm(initial=initial, tool=tool, structure=structure)
    context = _context_for(audit)
    return render(
        request,
        "audits/audit_edit.html",
        {
            "audit": audit,
            "version": version,
            "form": form,
            "layout": form.layout(theirs),
            "theirs": theirs,
            "tool": tool,
            "error": error,
            "conflict": conflict,
            "context": context,
            "case_notes": _case_notes_for(request, audit, context),
            "descriptors": _descriptor_list(tool.overall_descriptors),
        },
        status=status,
    )


def _field_labels(form: AuditForm, tool) -> dict[str, dict]:
    labels: dict[str, dict] = {}
    answer_labels = {a["value"]: a["label"] for a in tool.answer_scale}
    grade_labels = {str(g.value): g.label for g in Grade}
    for name in form.fields:
        if name.startswith("q"):
            labels[name] = answer_labels
        elif (name.startswith("s") and name[1:].isdigit()) or name == "overall_grade":
            labels[name] = grade_labels
        elif name == "impact":
            labels[name] = dict(form.fields["impact"].choices)
    return labels


def _audit_inputs(form: AuditForm, structure) -> tuple[dict, dict]:
    data = form.cleaned_data
    answers = {}
    sections = {}
    for section in structure:
        for q in section.questions.all():
            answers[q.pk] = services.AnswerInput(data[f"q{q.pk}"] or "", data[f"e{q.pk}"] or "")
        sections[section.pk] = services.SectionInput(data[f"s{section.pk}"], data[f"n{section.pk}"])
    return answers, sections


@require_GET
def audit_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    version = selectors.get_version_for_user(request.user, audit, number)
    _log_child(request, audit)
    hide_grades = selectors.grades_hidden_for(request.user, audit)
    return render(
        request,
        "audits/audit_version.html",
        {
            "audit": audit,
            "version": version,
            "content": selectors.version_content_for(request.user, version),
            "answer_labels": _answer_labels(audit),
            "hide_grades": hide_grades,
            "history": [] if hide_grades else history_for(version)[:50],
        },
    )


@require_http_methods(["GET", "POST"])
def audit_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    if not selectors.can_reopen(request.user, audit):
        raise PermissionDenied("Only the auditor or a quality assurance lead may change this.")
    form = ReopenForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            version = services.audit_reopen(
                actor=request.user, audit=audit, reason=form.cleaned_data["reason"]
            )
        except services.AuditError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                f"Version {version.number} has been opened. Version {version.number - 1} stays "
                "as it was submitted.",
            )
            return redirect("audits:audit_edit", pk=audit.pk)
    return render(
        request,
        "audits/audit_reopen.html",
        {"audit": audit, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def audit_respond(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    if not selectors.can_respond(request.user, audit):
        raise PermissionDenied("Only the practitioner who holds the case may respond.")
    _log_child(request, audit)
    response = selectors.practitioner_response(audit)
    initial = {}
    if response and response.responded_at:
        initial = {
            "agreement": response.agreement,
            "comments": response.comments,
            "will_do": response.will_do,
        }
    form = RespondForm(request.POST or None, initial=initial)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.practitioner_respond(actor=request.user, audit=audit, **form.cleaned_data)
        except services.AuditError as exc:
            error = str(exc)
        else:
            messages.success(request, "Thank you: your response has been recorded.")
            return redirect("audits:audit_detail", pk=audit.pk)
    version = selectors.shown_version(request.user, audit)
    return render(
        request,
        "audits/audit_respond.html",
        {
            "audit": audit,
            "form": form,
            "error": error,
            "version": version,
            "content": selectors.version_content_for(request.user, version) if version else [],
            "answer_labels": _answer_labels(audit),
            "hide_grades": selectors.grades_hidden_for(request.user, audit),
        },
        status=400 if request.method == "POST" else 200,
    )


def _action_owners(audit: Audit) -> action_selectors.Owners:
    """People who may see the audited child, the allocated worker first (actions.selectors)."""
    return action_selectors.owners_for_child(
        audit.person_id,
        teams=[audit.team] if audit.team_id else [],
        worker_ids=(audit.worker_id,) if audit.worker_id else (),
    )


@require_http_methods(["GET", "POST"])
def audit_action_add(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    if not selectors.can_add_action(request.user, audit):
        raise PermissionDenied("You may not raise actions on this audit.")
    _log_child(request, audit)
    owners = _action_owners(audit)
    form = ActionForm(request.POST or None, owners=owners.people, allocated=owners.allocated)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            action = services.audit_action_create(
                actor=request.user, audit=audit, **form.cleaned_data
            )
        except services.AuditError as exc:
            error = str(exc)
        else:
            messages.success(request, f"Action {action.pk} has been raised.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request,
        "audits/audit_action_add.html",
        {"audit": audit, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def audit_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, MANAGE)
    audit = selectors.get_audit_for_user(request.user, pk)
    form = ReassignForm(request.POST or None, people=selectors.auditor_choices(audit))
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.audit_reassign(
                actor=request.user, audit=audit, auditor=form.cleaned_data["auditor"]
            )
        except services.AuditError as exc:
            error = str(exc)
        else:
            messages.success(request, "The audit has a new auditor.")
            return redirect("audits:audit_detail", pk=audit.pk)
    return render(
        request,
        "audits/audit_reassign.html",
        {"audit": audit, "form": form, "error": error},
        status=400 if request.method == "POST" else 200,
    )


# -- moderation --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def moderation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    moderation = selectors.get_moderation_for_user(request.user, pk)
    audit = moderation.audit
    user = request.user
    is_moderator = moderation.moderator_id == user.pk
    blind = moderation.is_blind and is_moderator
    structure = selectors.tool_structure(audit.programme.tool_version)
    grade_form = ModerationGradeForm(structure=structure, prefix="grade")
    agree_form = ModerationAgreeForm(prefix="agree")
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("form") == "grade":
                grade_form = ModerationGradeForm(request.POST, structure=structure, prefix="grade")
                if grade_form.is_valid():
                    services.moderation_grade(
                        actor=user,
                        moderation=moderation,
                        section_grades=grade_form.section_grades(),
                        grade=grade_form.cleaned_data["grade"],
                        rationale=grade_form.cleaned_data["rationale"],
                    )
                    messages.success(
                        request, "Your grade has been recorded. The auditor's grades are now shown."
                    )
                    return redirect("audits:moderation_detail", pk=moderation.pk)
            elif request.POST.get("form") == "agree":
                agree_form = ModerationAgreeForm(request.POST, prefix="agree")
                if agree_form.is_valid():
                    services.moderation_agree(
                        actor=user,
                        moderation=moderation,
                        grade=agree_form.cleaned_data["grade"],
                        rationale=agree_form.cleaned_data["rationale"],
                    )
                    messages.success(request, "The agreed grade has been recorded.")
                    return redirect("audits:moderation_detail", pk=moderation.pk)
        except services.AuditError as exc:
            error = str(exc)
    _log_child(request, audit)
    version = AuditVersion.objects.get(audit=audit, number=moderation.audited_version)
    content = selectors.version_content_for(user, version)
    mod_grades = {int(k): v for k, v in (moderation.moderator_section_grades or {}).items()}
    comparison = [
        (row.section, row.grade.grade if row.grade else None, mod_grades.get(row.section.pk))
        for row in content
    ]
    has_errors = bool(error or grade_form.errors or agree_form.errors)
    return render(
        request,
        "audits/moderation_detail.html",
        {
            "moderation": moderation,
            "audit": audit,
            "version": version,
            "content": content,
            "answer_labels": _answer_labels(audit),
            "blind": blind,
            "hide_grades": selectors.grades_hidden_for(user, audit),
            "is_moderator": is_moderator,
            "grade_form": grade_form,
            "agree_form": agree_form,
            "may_agree": moderation.status == ModerationStatus.GRADED
            and (is_moderator or selectors.sees_all(user)),
            "comparison": comparison,
            "context": _context_for(audit),
            "error": error,
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )
