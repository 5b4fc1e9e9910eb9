"""Pages of one-to-one supervision: record and read a supervision, a team's workers on time
or overdue by the council's policy, a worker's supervision, and an import from the case
system. Outsiders get 404; people who may read but not change get 403."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose, Role, User
from lineofsight.accounts.services import access_log_record_many
from lineofsight.web.forms import edit_values, form_page, form_status, submit

from . import one_to_one_selectors as o2o
from . import one_to_one_services as services
from .forms_one_to_one import ImportForm, OneToOneEditForm, OneToOneForm, ProfileForm
from .one_to_one_policy import current_policy
from .selectors import leadable_teams, people_who_may_facilitate

LEAD = policy.Capability.LEAD_SUPERVISION
LISTED = 100


def _log_cases(request: HttpRequest, person_ids) -> None:
    """A page naming children discussed: each is a view of that child's record."""
    access_log_record_many(
        user=request.user,
        person_ids=person_ids,
        purpose=AccessPurpose.SUPERVISION,
        path=request.path,
    )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def one_to_ones(request: HttpRequest) -> HttpResponse:
    teams = list(leadable_teams(request.user))
    mine = (
        o2o.one_to_ones_visible_to(request.user)
        .filter(Q(supervisee=request.user) | Q(supervisor=request.user))
        .order_by("-held_on", "-id")[:LISTED]
    )
    return render(
        request,
        "supervision/one_to_one/list.html",
        {
            "teams": teams,
            "records": list(mine),
            "is_worker": request.user.role == Role.PRACTITIONER,
            "rules": current_policy(),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(LEAD)
def one_to_one_create(request: HttpRequest) -> HttpResponse:
    teams = leadable_teams(request.user)
    workers = User.objects.filter(
        pk__in=User.objects.filter(
            memberships__team__in=teams, role=Role.PRACTITIONER, is_active=True
        ).values("pk")
    ).order_by("full_name", "pk")
    form = OneToOneForm(
        request.POST or None,
        teams=teams,
        workers=workers,
        supervisors=people_who_may_facilitate(teams),
        initial={
            "supervisor": request.user.pk,
            "team": request.GET.get("team"),
            "supervisee": request.GET.get("worker"),
            "held_on": timezone.localdate(),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.one_to_one_record(actor=request.user, **data),
        template="supervision/one_to_one/form.html",
        context={},
        message="The supervision is recorded.",
        done=lambda record: redirect("supervision:one_to_one", pk=record.pk),
    )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def one_to_one(request: HttpRequest, pk: int) -> HttpResponse:
    record = o2o.get_one_to_one_for_user(request.user, pk)
    _log_cases(request, record.case_ids)
    return render(
        request,
        "supervision/one_to_one/detail.html",
        {"record": record, "can_edit": o2o.may_edit(request.user, record)},
    )


@require_http_methods(["GET", "POST"])
@policy.requires(LEAD)
def one_to_one_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = o2o.get_one_to_one_for_user(request.user, pk)
    if not o2o.may_edit(request.user, record):
        raise PermissionDenied("You may see this supervision but not change it.")
    initial = {
        "held_on": record.held_on,
        "supervisor": record.supervisor_id,
        "cases": record.cases,
        "reflection": record.reflection,
        "actions_agreed": record.actions_agreed,
        "version": record.version,
    }
    form = OneToOneEditForm(
        request.POST or None,
        initial=initial,
        supervisors=people_who_may_facilitate([record.team]),
    )
    if submit(
        request,
        form,
        lambda data: services.one_to_one_edit(
            actor=request.user, record=record, **edit_values(data)
        ),
        saved=lambda current: {
            "held_on": current.held_on,
            "supervisor": current.supervisor_id,
            "cases": current.cases,
            "reflection": current.reflection,
            "actions_agreed": current.actions_agreed,
        },
    ):
        messages.success(request, "The supervision is saved.")
        return redirect("supervision:one_to_one", pk=record.pk)
    _log_cases(request, record.case_ids)
    return render(
        request,
        "supervision/one_to_one/edit.html",
        {"record": record, "form": form},
        status=form_status(request, form),
    )


@require_GET
@policy.requires(LEAD)
def one_to_one_team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = policy.get_team_for_user(request.user, team_id)
    if not leadable_teams(request.user).filter(pk=team.pk).exists():
        raise PermissionDenied("You may not lead supervision for this team.")
    return render(
        request,
        "supervision/one_to_one/team.html",
        {"team": team, "rows": o2o.team_status(team), "rules": current_policy()},
    )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def one_to_one_worker(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = o2o.get_worker_for_user(request.user, worker_id)
    led = list(o2o.teams_of_worker_led_by(request.user, worker))
    today = timezone.localdate()
    since = o2o.months_before(today, o2o.EVIDENCE_MONTHS)
    held = o2o.history(worker)
    return render(
        request,
        "supervision/one_to_one/worker.html",
        {
            "worker": worker,
            "status": o2o.statuses_for([worker], today=today)[0],
            "recent": [h for h in held if h.record.held_on >= since],
            "earlier": [h for h in held if h.record.held_on < since],
            "since": since,
            "months": o2o.EVIDENCE_MONTHS,
            "teams": led,
            "can_lead": bool(led),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(LEAD)
def one_to_one_profile(request: HttpRequest, worker_id: int) -> HttpResponse:
    worker = o2o.get_worker_for_user(request.user, worker_id)
    if not o2o.teams_of_worker_led_by(request.user, worker).exists():
        raise PermissionDenied("You may not change this worker's supervision details.")
    profile = o2o.profile_for(worker)
    form = ProfileForm(
        request.POST or None,
        initial={
            "newly_qualified_since": profile.newly_qualified_since if profile else None,
            "version": profile.version if profile else 0,
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.supervision_profile_set(
            actor=request.user, worker=worker, **edit_values(data)
        ),
        template="supervision/one_to_one/profile.html",
        context={"worker": worker},
        message="The worker's details are saved.",
        done=lambda _: redirect("supervision:one_to_one_worker", worker_id=worker.pk),
    )


@require_http_methods(["GET", "POST"])
@policy.requires(LEAD)
def one_to_one_import(request: HttpRequest) -> HttpResponse:
    if not leadable_teams(request.user).exists():
        raise PermissionDenied("You lead supervision for no team.")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    results: list[services.ImportResult] = []

    def run(data: dict) -> None:
        try:
            results.append(
                services.one_to_ones_import(actor=request.user, data=data["file"].read())
            )
        except services.ImportRefused as exc:
            problems.extend(exc.problems)
            raise

    if submit(request, form, run):
        result = results[0]
        n = len(result.created)
        text = f"{n} supervision{'s' if n != 1 else ''} imported."
        if result.already:
            text += f" {result.already} already recorded, left as they were."
        messages.success(request, text)
        return redirect("supervision:one_to_ones")
    if problems:
        # The summary says nothing was imported; the list below the form says what was wrong.
        form.errors["file"] = form.error_class(
            [
                f"Nothing was imported: the file has {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}, listed below the form"
            ]
        )
    return render(
        request,
        "supervision/one_to_one/import.html",
        {"form": form, "problems": problems},
        status=form_status(request, form),
    )
