from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose
from lineofsight.accounts.services import access_log_record, access_log_record_many
from lineofsight.actions.selectors import owners_for_child
from lineofsight.web.forms import edit_values, form_page, form_status, submit
from lineofsight.worklists import selection as worklist_selection

from . import followup, selectors, services, summaries
from .forms import (
    ActionForm,
    AttendeesForm,
    CaseRecordForm,
    EvaluationFilterForm,
    NominateForm,
    SessionForm,
    reflection_items,
)
from .models import REFLECTION_FIELDS


def _require_lead_for(request: HttpRequest, team) -> None:
    if not selectors.may_lead(request.user, team):
        raise PermissionDenied("You may see this session but not change it.")


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def sessions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "supervision/sessions.html",
        {
            "sessions": selectors.session_list(request.user),
            "can_create": selectors.leadable_teams(request.user).exists(),
            "can_evaluate": policy.can(request.user, policy.Capability.VIEW_INDICATORS),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.LEAD_SUPERVISION)
def session_create(request: HttpRequest) -> HttpResponse:
    teams = selectors.leadable_teams(request.user)
    initial = {"facilitator": request.user.pk, "team": request.GET.get("team")}
    form = SessionForm(
        request.POST or None,
        teams=teams,
        people=selectors.people_who_may_facilitate(teams),
        initial=initial,
    )
    return form_page(
        request,
        form,
        # The facilitator attends the session they run.
        lambda data: services.session_create(
            actor=request.user, attendees=[data["facilitator"]], **data
        ),
        template="supervision/session_form.html",
        context={},
        message=(
            "Session set up. Choose who attends, then bring cases to it from the team's worklist."
        ),
        done=lambda session: redirect("supervision:session", pk=session.pk),
    )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def session(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_session_for_user(request.user, pk)
    summary = summaries.session_summary(request.user, found)
    # The session names each child brought to it: each is a view of that child's record.
    access_log_record_many(
        user=request.user,
        person_ids=(line.case.person_id for line in summary.cases),
        purpose=AccessPurpose.SUPERVISION,
        path=request.path,
    )
    return render(
        request,
        "supervision/session.html",
        {
            "summary": summary,
            "can_lead": selectors.may_lead(request.user, found.team),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.LEAD_SUPERVISION)
def session_attendees(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_session_for_user(request.user, pk)
    _require_lead_for(request, found.team)
    form = AttendeesForm(
        request.POST or None,
        people=selectors.possible_attendees(found),
        initial={"attendees": list(found.attendees.values_list("pk", flat=True))},
    )
    return form_page(
        request,
        form,
        lambda data: services.session_set_attendees(
            actor=request.user, session=found, attendees=data["attendees"]
        ),
        template="supervision/attendees.html",
        context={"session": found},
        message="Attendees saved.",
        done=lambda _: redirect("supervision:session", pk=found.pk),
    )


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@policy.requires(policy.Capability.LEAD_SUPERVISION)
def nominate(request: HttpRequest) -> HttpResponse:
    form = NominateForm(request.POST)
    done = []

    def nominate_cases(data: dict) -> None:
        found = selectors.get_session_for_user(request.user, data["session"])
        _require_lead_for(request, found.team)
        result = services.session_cases_nominate(
            actor=request.user, session=found, person_ids=data["person_id"]
        )
        done.append((found, result))

    if not submit(request, form, nominate_cases):
        # This form lives on other pages: its first refusal is said there, as a message.
        messages.error(request, next(iter(form.errors.values()))[0])
        return redirect(_back(request, reverse("supervision:sessions")))
    found, result = done[0]
    # Brought here, they are no longer waiting in the team's worklist selection.
    worklist_selection.selection_drop(
        request.session, found.team_id, [c.person_id for c in result.added] + result.already
    )
    _say_what_was_nominated(request, result, found)
    return redirect("supervision:session", pk=found.pk)


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_CASEWORK)
def case(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_session_case_for_user(request.user, pk)
    can_edit = selectors.may_lead(request.user, found.session.team)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("You may see this case but not change it.")
    initial = {name: getattr(found, name) for name in (*REFLECTION_FIELDS, "look_again_on")}
    initial["version"] = found.version
    form = CaseRecordForm(request.POST or None, initial=initial)
    if submit(
        request,
        form,
        lambda data: services.session_case_record(
            actor=request.user, case=found, **edit_values(data)
        ),
    ):
        messages.success(request, "The discussion of this case is saved.")
        return redirect("supervision:case", pk=found.pk)
    conflict = getattr(form, "conflict", None)
    context = {
        "summary": summaries.case_summary(request.user, found),
        "form": form,
        "their_version": reflection_items(conflict.current) if conflict else [],
        "reflection": reflection_items(found),
        "can_edit": can_edit,
    }
    access_log_record(
        user=request.user,
        person_id=found.person_id,
        purpose=AccessPurpose.SUPERVISION,
        path=request.path,
    )
    return render(request, "supervision/case.html", context, status=form_status(request, form))


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.LEAD_SUPERVISION)
def case_action_create(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_session_case_for_user(request.user, pk)
    _require_lead_for(request, found.session.team)
    owners = owners_for_child(found.person_id, teams=[found.session.team])
    form = ActionForm(request.POST or None, people=owners.people, allocated=owners.allocated)
    access_log_record(
        user=request.user,
        person_id=found.person_id,
        purpose=AccessPurpose.SUPERVISION,
        path=request.path,
    )
    return form_page(
        request,
        form,
        lambda data: services.session_case_action_create(actor=request.user, case=found, **data),
        template="supervision/action_form.html",
        context={"case": found},
        message="Action added.",
        done=lambda _: redirect("supervision:case", pk=found.pk),
    )


SELECTION_ACTIONS = ("keep", "bring", "clear")


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.LEAD_SUPERVISION)
def selection(request: HttpRequest, team_id: int) -> HttpResponse:
    """The children selected on a team's worklist for group supervision, kept across its pages.

    GET lists them. POST comes from the worklist's form (or this page's): `person_id` the
    children ticked, `shown` every child the form listed, `action` keep (remember the ticks and
    go back to `next`), bring (bring every child selected to `session`, then clear the
    selection) or clear. An id that is not a child on the team's worklist as the user sees it
    is refused with a message naming it, and nothing changes."""
    team = policy.get_team_for_user(request.user, team_id)
    _require_lead_for(request, team)
    here = reverse("supervision:selection", kwargs={"team_id": team.pk})
    if request.method == "POST":
        return _selection_change(request, team)
    chosen = worklist_selection.selected(request.session, team.pk)
    rows = selectors.selected_rows(request.user, team, chosen)
    # The page names each child selected: each is a view of that child's record.
    access_log_record_many(
        user=request.user, person_ids=(r.person_id for r in rows.rows), path=request.path
    )
    sessions = selectors.sessions_for_nomination(team)
    next_one = selectors.next_session(sessions, timezone.localdate())
    return render(
        request,
        "supervision/selection.html",
        {
            "team": team,
            "here": here,
            "rows": rows,
            "selected": frozenset(chosen),
            "sessions": selectors.session_choices(sessions, next_one),
            "worklist_url": reverse("worklists:team", kwargs={"team_id": team.pk}),
        },
    )


def _selection_change(request: HttpRequest, team) -> HttpResponse:
    worklist_url = reverse("worklists:team", kwargs={"team_id": team.pk})
    back = _back(request, worklist_url)
    action = request.POST.get("action", "")
    if action not in SELECTION_ACTIONS:
        messages.error(request, "Choose Keep ticked children or Bring to supervision.")
        return redirect(back)
    if action == "clear":
        worklist_selection.selection_clear(request.session, team.pk)
        messages.success(request, "The selection is cleared: no children are selected.")
        return redirect(back)
    wanted = worklist_selection.selection_after(
        request.session,
        team.pk,
        shown=request.POST.getlist("shown"),
        ticked=request.POST.getlist("person_id"),
    )
    refused = services.children_not_on_worklist(actor=request.user, team=team, person_ids=wanted)
    if refused:
        messages.error(request, str(services.NotOnWorklist(team, refused)))
        return redirect(back)
    try:
        worklist_selection.selection_keep(request.session, team.pk, wanted)
    except worklist_selection.TooMany as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if action == "keep":
        return redirect(back)
    try:
        session_pk = int(request.POST.get("session", ""))
    except ValueError:
        messages.error(request, "Choose the group supervision session to bring the children to.")
        return redirect(back)
    found = selectors.get_session_for_user(request.user, session_pk)
    if found.team_id != team.pk:
        messages.error(request, f"Choose a session of {team.name}.")
        return redirect(back)
    try:
        result = services.session_nominate_many(
            actor=request.user, session=found, person_ids=wanted
        )
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    worklist_selection.selection_clear(request.session, team.pk)
    _say_what_was_nominated(request, result, found)
    return redirect("supervision:session", pk=found.pk)


def _say_what_was_nominated(request: HttpRequest, result, found) -> None:
    parts = []
    if result.added:
        n = len(result.added)
        parts.append(f"{n} child{'ren' if n != 1 else ''} added to the session")
    if result.already:
        parts.append(f"already on it: {', '.join(result.already)}")
    if result.refused:
        parts.append(
            f"not added, because they have no open case in {found.team.name}: "
            f"{', '.join(result.refused)}"
        )
    level = messages.SUCCESS if result.added and not result.refused else messages.WARNING
    text = "; ".join(parts)
    messages.add_message(request, level, text[:1].upper() + text[1:] + ".")


@require_POST
@policy.requires(policy.Capability.LEAD_SUPERVISION)
def case_remove(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.get_session_case_for_user(request.user, pk)
    _require_lead_for(request, found.session.team)
    try:
        services.session_case_remove(actor=request.user, case=found)
    except services.SupervisionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Child {found.person_id} taken off the session.")
    return redirect("supervision:session", pk=found.session_id)


@require_GET
@policy.requires(policy.Capability.VIEW_INDICATORS)
def evaluation(request: HttpRequest) -> HttpResponse:
    teams = policy.visible_teams(request.user)
    form = EvaluationFilterForm(request.GET or None, teams=teams)
    team = form.cleaned_data["team"] if form.is_valid() else None
    refused = form.is_bound and not form.is_valid()  # a bad filter shows no figures, not all
    chosen = (
        []
        if refused
        else list(selectors.session_list(request.user, team=team).select_related("snapshot"))
    )
    return render(
        request,
        "supervision/evaluation.html",
        {
            "form": form,
            "team": team,
            "figures": followup.evaluate(chosen),
            "window_months": followup.WINDOW_MONTHS,
            "smallest": followup.SMALLEST_SHOWN,
        },
        status=400 if refused else 200,
    )
