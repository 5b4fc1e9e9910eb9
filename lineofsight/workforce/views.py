"""The workforce pages: early careers, courses and attendance, team coverage, the skills matrix.

Gates: reading needs VIEW_INDICATORS (selectors.READ); a worker's early careers record is changed
by whoever leads supervision for their team; courses, sessions, attendance and the skills matrix
by those who configure the council's quality assurance (selectors.MANAGE_COUNCIL)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.framework import vocabulary
from lineofsight.web.forms import edit_values, form_page

from . import programme as programmes
from . import selectors, services
from .forms import (
    AttendanceForm,
    CourseForm,
    CourseSessionForm,
    EnrolForm,
    EnrolmentEditForm,
    SkillForm,
    StageForm,
)
from .models import Course, Enrolment, Skill, StageRecord
from .sources import training_need_url

READ = selectors.READ


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


@require_GET
@policy.requires(READ)
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "workforce/index.html", {})


# -- early careers ---------------------------------------------------------------------------


@require_GET
@policy.requires(READ)
def early_careers(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    enrolments = list(
        selectors.enrolments_visible_to(request.user)
        .prefetch_related("stages")
        .order_by("worker__full_name", "pk")
    )
    checks = selectors.caseload_checks(enrolments)
    rows = []
    for e in enrolments:
        records = list(e.stages.all())
        statuses = selectors.stage_statuses(e, today, records)
        rows.append(
            {
                "enrolment": e,
                "state": selectors.enrolment_state(e, records),
                "overdue": [s for s in statuses if s.state == "overdue"],
                "due": [s for s in statuses if s.state == "due"],
                "check": checks.get(e.pk),
            }
        )
    return render(
        request,
        "workforce/early_careers.html",
        {
            "programme": programmes.programme(),
            "rows": rows,
            "retention": selectors.retention(enrolments, today),
            "limit": selectors.protected_limit(),
            "can_enrol": selectors.manageable_teams(request.user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(selectors.MANAGE_TEAM)
def enrol(request: HttpRequest) -> HttpResponse:
    teams = selectors.manageable_teams(request.user).order_by("name")
    return form_page(
        request,
        EnrolForm(request.POST or None, teams=teams),
        lambda data: services.enrolment_create(actor=request.user, **data),
        template="workforce/enrol.html",
        context={},
        message=lambda e: f"{e.worker.full_name} has been enrolled in the programme.",
        done=lambda e: redirect("workforce:enrolment", pk=e.pk),
    )


def _managed_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    enrolment = selectors.get_enrolment_for_user(request.user, pk)
    if not selectors.may_manage(request.user, enrolment):
        raise PermissionDenied("Only whoever leads supervision for the team changes this record.")
    return enrolment


@require_GET
@policy.requires(READ)
def enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_enrolment_for_user(request.user, pk)
    records = list(item.stages.select_related("recorded_by"))
    return render(
        request,
        "workforce/enrolment.html",
        {
            "enrolment": item,
            "state": selectors.enrolment_state(item, records),
            "statuses": selectors.stage_statuses(item, timezone.localdate(), records),
            "check": selectors.caseload_checks([item]).get(item.pk),
            "can_manage": selectors.may_manage(request.user, item),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(READ)
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _managed_enrolment(request, pk)
    initial = {
        "version": item.version,
        "start_date": item.start_date,
        "assessor": item.assessor_id,
        "left_on": item.left_on,
    }
    return form_page(
        request,
        EnrolmentEditForm(request.POST or None, initial=initial),
        lambda data: services.enrolment_update(
            actor=request.user, enrolment=item, **edit_values(data)
        ),
        template="workforce/enrolment_edit.html",
        context={"enrolment": item},
        message="The record has been saved.",
        done=lambda e: redirect("workforce:enrolment", pk=e.pk),
        saved=lambda e: {
            "start_date": e.start_date,
            "assessor": e.assessor,
            "left_on": e.left_on,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(READ)
def stage(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    item = _managed_enrolment(request, pk)
    found = programmes.programme().stage(key)
    if found is None:
        raise Http404("No such stage")
    record = StageRecord.objects.filter(enrolment=item, stage=found.key).first()
    initial = (
        {
            "version": record.version,
            "done_on": record.done_on,
            "note": record.note,
            "outcome": record.outcome,
        }
        if record
        else {"version": 0}
    )
    form = StageForm(request.POST or None, stage=found, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.stage_record(
            actor=request.user, enrolment=item, stage=found.key, **edit_values(data)
        ),
        template="workforce/stage.html",
        context={"enrolment": item, "stage": found, "record": record},
        message=f"The {found.label.lower()} has been recorded.",
        done=lambda _: redirect("workforce:enrolment", pk=item.pk),
        saved=lambda r: {"done_on": r.done_on, "note": r.note, "outcome": r.outcome},
    )


# -- courses ---------------------------------------------------------------------------------


def _course_labels(course: Course) -> dict:
    return {
        "themes": [vocabulary.label(k) for k in course.themes],
        "models": [selectors.model_label(k) for k in course.practice_models],
    }


@require_GET
@policy.requires(READ)
def courses(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workforce/courses.html",
        {
            "courses": [(c, _course_labels(c)) for c in selectors.courses()],
            "can_manage": selectors.may_manage_learning(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(selectors.MANAGE_COUNCIL)
def course_create(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        CourseForm(request.POST or None),
        lambda data: services.course_create(
            actor=request.user, **{k: v for k, v in data.items() if k != "version"}
        ),
        template="workforce/course_form.html",
        context={"course": None},
        message=lambda c: f"{c.title} has been added.",
        done=lambda c: redirect("workforce:course", pk=c.pk),
    )


@require_GET
@policy.requires(READ)
def course(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_course(pk)
    return render(
        request,
        "workforce/course.html",
        {
            "course": item,
            "labels": _course_labels(item),
            "sessions": item.sessions.all(),
            "can_manage": selectors.may_manage_learning(request.user),
            "raise_url": training_need_url(
                request.user, f"course-{item.pk}", theme=",".join(item.themes[:1])
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(selectors.MANAGE_COUNCIL)
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_course(pk)

    def values(c: Course) -> dict:
        return {
            "title": c.title,
            "summary": c.summary,
            "themes": c.themes,
            "practice_models": c.practice_models,
            "core": _yes_no(c.core),
        }

    return form_page(
        request,
        CourseForm(request.POST or None, initial={"version": item.version, **values(item)}),
        lambda data: services.course_update(actor=request.user, course=item, **edit_values(data)),
        template="workforce/course_form.html",
        context={"course": item},
        message="The course has been saved.",
        done=lambda c: redirect("workforce:course", pk=c.pk),
        saved=values,
    )


@require_http_methods(["GET", "POST"])
@policy.requires(selectors.MANAGE_COUNCIL)
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_course(pk)
    return form_page(
        request,
        CourseSessionForm(request.POST or None),
        lambda data: services.session_create(actor=request.user, course=item, **data),
        template="workforce/session_form.html",
        context={"course": item},
        message="The session has been added.",
        done=lambda s: redirect("workforce:session", pk=s.pk),
    )


@require_GET
@policy.requires(READ)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_session(pk)
    return render(
        request,
        "workforce/session.html",
        {
            "session": item,
            "attendance": selectors.session_attendance(request.user, item),
            "can_manage": selectors.may_manage_learning(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(selectors.MANAGE_COUNCIL)
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_session(pk)
    return form_page(
        request,
        AttendanceForm(request.POST or None),
        lambda data: services.attendance_record(actor=request.user, session=item, **data),
        template="workforce/attendance_form.html",
        context={"session": item},
        message=lambda a: f"The attendance of {a.worker.full_name} has been recorded.",
        done=lambda _: redirect("workforce:session", pk=item.pk),
    )


# -- coverage and skills ---------------------------------------------------------------------


@require_GET
@policy.requires(READ)
def coverage(request: HttpRequest) -> HttpResponse:
    core, rows = selectors.team_coverage(request.user)
    for row in rows:
        row.raise_urls = [
            training_need_url(
                request.user,
                f"course-{cell.course.pk}-team-{row.team.pk}",
                theme=",".join(cell.course.themes[:1]),
            )
            if cell.gap
            else ""
            for cell in row.cells
        ]
        row.pairs = list(zip(row.cells, row.raise_urls, strict=True))
    return render(request, "workforce/coverage.html", {"core": core, "rows": rows})


@require_GET
@policy.requires(READ)
def skills(request: HttpRequest) -> HttpResponse:
    matrix = selectors.skills_matrix()
    raise_urls = {
        t.key: training_need_url(request.user, f"theme-{t.key}", theme=t.key)
        for t in matrix
        if not t.leads
    }
    return render(
        request,
        "workforce/skills.html",
        {
            "matrix": [(t, raise_urls.get(t.key, "")) for t in matrix],
            "can_manage": selectors.may_manage_learning(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(selectors.MANAGE_COUNCIL)
def skill_add(request: HttpRequest) -> HttpResponse:
    return form_page(
        request,
        SkillForm(request.POST or None),
        lambda data: services.skill_add(actor=request.user, **data),
        template="workforce/skill_form.html",
        context={},
        message=lambda s: f"{s.worker.full_name} has been added to the skills matrix.",
        done=lambda _: redirect("workforce:skills"),
    )


@require_POST
@policy.requires(selectors.MANAGE_COUNCIL)
def skill_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Skill.objects.select_related("worker"), pk=pk)
    services.skill_remove(actor=request.user, skill=item)
    messages.success(request, f"{item.worker.full_name} has been taken off the skills matrix.")
    return redirect("workforce:skills")
