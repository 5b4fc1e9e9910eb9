from __future__ import annotations

import functools
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
from lineofsight.children import chronology
from lineofsight.children import selectors as child_selectors
from lineofsight.concerns import selectors as concern_selectors
from lineofsight.history.services import history_for
from lineofsight.recording import evidence as recording_evidence
from lineofsight.web import evidence
from lineofsight.web.forms import form_page, form_status, submit

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
from .grades import GRADES_BEST_FIRST, Cohort
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
# Audit tools about recording itself: beside them, each case note shows what the recording
# checker finds in it, as evidence to read (never an answer).
TOOLS_WITH_RECORDING_EVIDENCE = frozenset({"recording"})


def _case_notes_for(
    request: HttpRequest, audit: Audit, context: casefiles.ChildContext, *, tool_key: str = ""
):
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
    if child_selectors.may_see_child(user, audit.person_id):
        query = urlencode({"back": request.get_full_path()})
        link = f"{reverse('children:chronology', args=[audit.person_id])}?{query}#case-notes"
    checked = None
    if tool_key in TOOLS_WITH_RECORDING_EVIDENCE and notes.available:
        checked = recording_evidence.checked_case_notes(
            context.snapshot, audit.person_id, notes.notes
        )
    return {"found": notes, "chronology": link, "checked": checked}


def _section_evidence(request: HttpRequest, audit: Audit, *, tool_key: str) -> dict[str, list]:
    """What other apps show beside the tool's sections (web.evidence), for the auditor or a
    role that sees every audit; evidence to read, never an answer."""
    user = request.user
    if not (selectors.is_auditor(user, audit) or selectors.sees_all(user)):
        return {}
    return evidence.for_audit(user, tool_key=tool_key, worker_id=audit.worker_id)


# -- worklist ----------------------------------------------------------------------------------


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def my_audits(request: HttpRequest) -> HttpResponse:
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
@policy.requires(MANAGE)
def programme_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        ProgrammeForm(request.POST or None),
        lambda data: services.programme_create(actor=request.user, **data),
        template="audits/programme_form.html",
        context={},
        message=lambda programme: f"The programme {programme.name} has been created.",
        done=lambda programme: redirect("audits:programme_detail", pk=programme.pk),
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
@policy.requires(MANAGE)
def programme_sample(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    return form_page(
        request,
        SampleForm(request.POST or None),
        lambda data: services.programme_draw_sample(
            actor=request.user, programme=programme, seed=data["seed"]
        ),
        template="audits/programme_sample.html",
        context={"programme": programme, "snapshot": store.current_snapshot()},
        message=_drawn_message,
        done=lambda _: redirect("audits:programme_detail", pk=programme.pk),
    )


def _drawn_message(drawn) -> str:
    text = f"{drawn.drawn} files drawn and allocated."
    if drawn.unallocated:
        text += f" {drawn.unallocated} could not be allocated: nobody eligible."
    return text


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def programme_add_file(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    return form_page(
        request,
        AddFileForm(request.POST or None),
        lambda data: services.programme_add_file(actor=request.user, programme=programme, **data),
        template="audits/programme_add_file.html",
        context={"programme": programme},
        message=_added_message,
        done=lambda _: redirect("audits:programme_detail", pk=programme.pk),
    )


def _added_message(audit: Audit) -> str:
    who = audit.auditor.full_name if audit.auditor else "nobody yet (no one eligible)"
    return f"Child {audit.person_id}'s file was added; auditor: {who}."


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def programme_moderation(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.get_programme_for_user(request.user, pk)
    rate_form = ModerationRateForm(initial={"rate": programme.moderation_rate or 10}, prefix="rate")
    draw_form = ModerationDrawForm(prefix="draw")
    if request.POST.get("form") == "rate":
        rate_form = ModerationRateForm(request.POST, prefix="rate")
        if submit(
            request,
            rate_form,
            lambda data: services.programme_set_moderation_rate(
                actor=request.user, programme=programme, rate=data["rate"]
            ),
        ):
            messages.success(request, "The moderation rate has been saved.")
            return redirect("audits:programme_moderation", pk=programme.pk)
    elif request.POST.get("form") == "draw":
        draw_form = ModerationDrawForm(request.POST, prefix="draw")
        draws = []
        if submit(
            request,
            draw_form,
            lambda data: draws.append(
                services.moderation_draw(actor=request.user, programme=programme, seed=data["seed"])
            ),
        ):
            messages.success(
                request,
                f"{draws[0].moderations.count()} of {draws[0].considered} submitted audits "
                "chosen for moderation.",
            )
            return redirect("audits:programme_moderation", pk=programme.pk)
    moderations = selectors.programme_moderations(programme)
    hidden = set(selectors.answers_hidden_from(request.user).values_list("pk", flat=True))
    has_errors = bool(rate_form.errors or draw_form.errors)
    return render(
        request,
        "audits/programme_moderation.html",
        {
            "programme": programme,
            "rate_form": rate_form,
            "draw_form": draw_form,
            "forms": [rate_form, draw_form],
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


def _report_download(write, content_type: str, suffix: str):
    """A view giving the programme report as a file: `write(report)` makes it."""

    @require_GET
    def download(request: HttpRequest, pk: int) -> HttpResponse:
        report = _report(request, pk)
        return _download(write(report), content_type, f"{_file_stem(report)}{suffix}")

    return download


programme_report_csv = _report_download(
    exports.report_csv, "text/csv; charset=utf-8", "-grades.csv"
)
programme_report_xlsx = _report_download(
    exports.report_xlsx,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsx",
)
programme_report_docx = _report_download(
    exports.report_docx,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "-summary.docx",
)


@require_GET
@policy.requires(MANAGE)
def agreement(request: HttpRequest) -> HttpResponse:
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
    if request.method == "POST":
        form = AuditForm(request.POST, tool=tool, structure=structure)
    else:
        initial = AuditForm.initial_from(version, structure)
        initial["token"] = services.edit_token(version)
        form = AuditForm(initial=initial, tool=tool, structure=structure)
    finish = request.POST.get("action") == "submit"
    # Refusals that are not an error on this form: the draft kept, or the audit locked meanwhile.
    refused: dict[str, services.AuditError] = {}

    def save(data: dict) -> None:
        answers, sections = _audit_inputs(form, structure)
        keep = functools.partial(
            services.audit_save,
            actor=request.user,
            audit=audit,
            token=data["token"],
            answers=answers,
            sections=sections,
            **{
                k: data[k]
                for k in ("overall_grade", "overall_rationale", "impact", "impact_rationale")
            },
        )
        try:
            keep(submit=finish)
        except services.AuditIncomplete as exc:
            # Keep the work: save it as a draft, then say what is still needed.
            keep(submit=False)
            refused["incomplete"] = exc
        except services.AuditLocked as exc:
            refused["locked"] = exc

    def their_answers(_current: AuditVersion) -> dict:
        # Their answers are shown beside each field the two of them changed.
        return AuditForm.initial_from(services.current_version(audit), structure)

    if submit(request, form, save, saved=their_answers) and not refused:
        if finish:
            messages.success(request, "The audit has been submitted and is now locked.")
            return redirect("audits:audit_detail", pk=audit.pk)
        messages.success(request, "Your work on the audit has been saved.")
        return redirect("audits:audit_edit", pk=audit.pk)
    error = locked = ""
    status = form_status(request, form)
    if "incomplete" in refused:
        version = services.current_version(audit)
        data = request.POST.copy()
        data["token"] = services.edit_token(version)
        form = AuditForm(data, tool=tool, structure=structure)
        form.is_valid()
        for field, message in refused["incomplete"].missing:
            form.add_error(field, message)
        error = "Your work has been saved as a draft, but it cannot be submitted yet."
    elif "locked" in refused:
        locked = (
            "Someone submitted this audit after you opened it, so it is locked and your "
            "changes have not been saved. They are still in the form below: copy what "
            "you need, then open a new version from the audit's page."
        )
        status = 409
    elif getattr(form, "conflict", None):
        version = services.current_version(audit)
    context = _context_for(audit)
    return render(
        request,
        "audits/audit_edit.html",
        {
            "audit": audit,
            "version": version,
            "form": form,
            "layout": form.layout(),
            "tool": tool,
            "error": error,
            "locked": locked,
            "context": context,
            "case_notes": _case_notes_for(request, audit, context, tool_key=tool.tool.key),
            "section_evidence": _section_evidence(request, audit, tool_key=tool.tool.key),
            "descriptors": _descriptor_list(tool.overall_descriptors),
        },
        status=status,
    )


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
    return form_page(
        request,
        ReopenForm(request.POST or None),
        lambda data: services.audit_reopen(actor=request.user, audit=audit, reason=data["reason"]),
        template="audits/audit_reopen.html",
        context={"audit": audit},
        message=lambda opened: (
            f"Version {opened.number} has been opened. "
            f"Version {opened.number - 1} stays as it was submitted."
        ),
        done=lambda _: redirect("audits:audit_edit", pk=audit.pk),
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
    version = selectors.shown_version(request.user, audit)
    return form_page(
        request,
        RespondForm(request.POST or None, initial=initial),
        lambda data: services.practitioner_respond(actor=request.user, audit=audit, **data),
        template="audits/audit_respond.html",
        context={
            "audit": audit,
            "version": version,
            "content": selectors.version_content_for(request.user, version) if version else [],
            "answer_labels": _answer_labels(audit),
            "hide_grades": selectors.grades_hidden_for(request.user, audit),
        },
        message="Thank you: your response has been recorded.",
        done=lambda _: redirect("audits:audit_detail", pk=audit.pk),
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
    return form_page(
        request,
        ActionForm(request.POST or None, owners=owners.people, allocated=owners.allocated),
        lambda data: services.audit_action_create(actor=request.user, audit=audit, **data),
        template="audits/audit_action_add.html",
        context={"audit": audit},
        message=lambda action: f"Action {action.pk} has been raised.",
        done=lambda _: redirect("audits:audit_detail", pk=audit.pk),
    )


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def audit_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    audit = selectors.get_audit_for_user(request.user, pk)
    return form_page(
        request,
        ReassignForm(request.POST or None, people=selectors.auditor_choices(audit)),
        lambda data: services.audit_reassign(
            actor=request.user, audit=audit, auditor=data["auditor"]
        ),
        template="audits/audit_reassign.html",
        context={"audit": audit},
        message="The audit has a new auditor.",
        done=lambda _: redirect("audits:audit_detail", pk=audit.pk),
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
    if request.POST.get("form") == "grade":
        grade_form = ModerationGradeForm(request.POST, structure=structure, prefix="grade")
        if submit(
            request,
            grade_form,
            lambda data: services.moderation_grade(
                actor=user,
                moderation=moderation,
                section_grades=grade_form.section_grades(),
                grade=data["grade"],
                rationale=data["rationale"],
            ),
        ):
            messages.success(
                request, "Your grade has been recorded. The auditor's grades are now shown."
            )
            return redirect("audits:moderation_detail", pk=moderation.pk)
    elif request.POST.get("form") == "agree":
        agree_form = ModerationAgreeForm(request.POST, prefix="agree")
        if submit(
            request,
            agree_form,
            lambda data: services.moderation_agree(
                actor=user, moderation=moderation, grade=data["grade"], rationale=data["rationale"]
            ),
        ):
            messages.success(request, "The agreed grade has been recorded.")
            return redirect("audits:moderation_detail", pk=moderation.pk)
    _log_child(request, audit)
    version = AuditVersion.objects.get(audit=audit, number=moderation.audited_version)
    content = selectors.version_content_for(user, version)
    mod_grades = {int(k): v for k, v in (moderation.moderator_section_grades or {}).items()}
    comparison = [
        (row.section, row.grade.grade if row.grade else None, mod_grades.get(row.section.pk))
        for row in content
    ]
    has_errors = bool(grade_form.errors or agree_form.errors)
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
            "forms": [grade_form, agree_form],
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )
