from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose
from lineofsight.accounts.services import access_log_record
from lineofsight.children.selectors import CHILD_NOT_IN_SCOPE, may_see_child
from lineofsight.framework import vocabulary
from lineofsight.history.services import history_for
from lineofsight.web.errors import ServiceError
from lineofsight.web.filters import page_of
from lineofsight.web.forms import form_page, submit
from lineofsight.web.spreadsheet import safe_cell

from . import selectors, services, sources
from .forms import (
    ActionFilterForm,
    BoardFilterForm,
    NoteForm,
    RaiseActionForm,
    RecheckForm,
    StatusForm,
    ThemeFields,
    ThemesForm,
)
from .models import ImprovementAction, SourceType

# Which purpose a view of a child's action is logged under, by where the action came from.
_PURPOSE = {
    SourceType.AUDIT: AccessPurpose.AUDIT,
    SourceType.MODERATION: AccessPurpose.AUDIT,
    SourceType.PRACTICE_WEEK: AccessPurpose.PRACTICE_WEEK,
    SourceType.SUPERVISION: AccessPurpose.SUPERVISION,
}


_HISTORY_LABELS = {
    "action_create": "Raised",
    "action_update_status": "Status changed",
    "action_add_note": "Progress note added",
    "action_reassign": "Owner or date changed",
    "action_record_recheck": "Re-check recorded",
    "action_set_themes": "Themes changed",
}


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def mine(request: HttpRequest) -> HttpResponse:
    actions = list(selectors.my_open_actions(request.user))
    _log_listed(request, actions)
    today = timezone.localdate()
    overdue = [a for a in actions if a.due_date < today]
    return render(
        request,
        "actions/mine.html",
        {"actions": actions, "overdue": overdue, "today": today},
    )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def action_list(request: HttpRequest) -> HttpResponse:
    form = ActionFilterForm(request.GET or None)
    filters = selectors.ActionFilter()
    if form.is_valid():
        filters = selectors.ActionFilter(
            state=form.cleaned_data["state"] or "open",
            source_type=form.cleaned_data["source_type"],
        )
    actions = selectors.action_list(request.user, filters)
    refused = form.is_bound and not form.is_valid()  # a bad filter shows no list, not all of it
    if refused:
        actions = actions.none()
    page, query = page_of(request, actions)
    _log_listed(request, page.object_list)
    return render(
        request,
        "actions/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "today": timezone.localdate(),
            "counts": selectors.action_counts(
                selectors.actions_visible_to(request.user), timezone.localdate()
            ),
        },
        status=400 if refused else 200,
    )


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = selectors.get_action_for_user(request.user, pk)
    may_update = selectors.can_update(request.user, action)
    may_recheck = selectors.can_recheck(request.user, action)
    page = {
        "status": StatusForm(initial={"status": action.status}, prefix="status"),
        "note": NoteForm(prefix="note"),
        "recheck": RecheckForm(prefix="recheck"),
        "themes": ThemesForm(initial=ThemeFields.initial_for(action.themes), prefix="themes"),
    }
    # Each of the page's forms: what it runs, and what the page says once it has.
    runs = {
        "status": (
            lambda data: services.action_update_status(
                actor=request.user, action=action, status=data["status"], note=data["note"]
            ),
            "The action's status has been saved.",
        ),
        "note": (
            lambda data: services.action_add_note(
                actor=request.user, action=action, text=data["text"]
            ),
            "Your progress note has been added.",
        ),
        "themes": (
            lambda data: services.action_set_themes(
                actor=request.user, action=action, themes=page["themes"].theme_keys()
            ),
            "The action's themes have been saved.",
        ),
        "recheck": (
            lambda data: services.action_record_recheck(actor=request.user, action=action, **data),
            "The re-check has been recorded.",
        ),
    }
    if request.method == "POST":
        which = request.POST.get("form")
        if which in ("status", "note", "themes") and not may_update:
            raise PermissionDenied("You may not change this action.")
        if which == "recheck" and not may_recheck:
            raise PermissionDenied("You may not record a re-check of this action.")
        if which in runs:
            page[which] = type(page[which])(request.POST, prefix=which)
            run, said = runs[which]
            if submit(request, page[which], run):
                messages.success(request, said)
                return redirect("actions:detail", pk=action.pk)
    if action.person_id:
        access_log_record(
            user=request.user,
            person_id=action.person_id,
            purpose=_PURPOSE.get(action.source_type, AccessPurpose.CASEWORK),
            path=request.get_full_path(),
        )
    page_forms = list(page.values())
    has_errors = any(f.errors for f in page_forms)
    source = _source_or_none(request.user, action.source_type, action.source_id)
    return render(
        request,
        "actions/detail.html",
        {
            "action": action,
            "notes": action.notes.select_related("author"),
            "history": [
                (event, _HISTORY_LABELS.get(event.action, event.action))
                for event in history_for(action)[:50]
            ],
            "may_update": may_update,
            "may_recheck": may_recheck,
            **{f"{name}_form": form for name, form in page.items()},
            "forms": page_forms,
            "has_errors": has_errors,
            "today": timezone.localdate(),
            "source": source,
            "source_url": source.url if source else "",
            "plan_url": _plan_url(action.source_type, action.source_id),
        },
        status=400 if has_errors else 200,
    )


# -- sources, through the registry (lineofsight.actions.sources) -------------------------------


def _source_or_none(user, source_type: str, source_id: str) -> sources.SourceInfo | None:
    """The source as this user may see it, or None when its app does not describe it or the
    user may not see it (the action may still be theirs to see: e.g. a moderation's action
    owned by a practitioner who may not read the moderation)."""
    try:
        return sources.describe(user, source_type, source_id)
    except Http404:
        return None


def _plan_url(source_type: str, source_id: str) -> str:
    return reverse("actions:plan", kwargs={"source_type": source_type, "source_id": source_id})


def _safe_next(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _log_children(request: HttpRequest, source_type: str, person_ids: set[str]) -> None:
    for person_id in sorted(p for p in person_ids if p):
        access_log_record(
            user=request.user,
            person_id=person_id,
            purpose=_PURPOSE.get(source_type, AccessPurpose.CASEWORK),
            path=request.get_full_path(),
        )


def _log_listed(request: HttpRequest, actions) -> None:
    """A list of actions names each action's child: each is a view of that child's record."""
    by_source: dict[str, set[str]] = {}
    for action in actions:
        if action.person_id:
            by_source.setdefault(action.source_type, set()).add(action.person_id)
    for source_type, person_ids in by_source.items():
        _log_children(request, source_type, person_ids)


# -- raise an action from any source -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.RAISE_ACTIONS)
def raise_action(request: HttpRequest) -> HttpResponse:
    """/actions/new/?source_type=...&source_id=...[&theme=&team=&person_id=&next=]"""
    source_type = request.GET.get("source_type", "").strip()
    source_id = request.GET.get("source_id", "").strip()
    if not source_type or not source_id:
        return _raise_refused(
            request,
            "This page needs to know what the action is about. Raise an action from the page "
            "of an audit, a practice week, a supervision session, feedback or an indicator.",
        )
    if source_type not in SourceType.values:
        return _raise_refused(request, f"Actions cannot be raised from “{source_type[:40]}”.")
    if sources.resolver_for(source_type) is None:
        return _raise_refused(
            request,
            f"Actions cannot yet be raised from a {SourceType(source_type).label.lower()} "
            "on this page.",
        )
    if len(source_id) > 64:  # longer than any record's id: there is no such source
        raise Http404("No such source")
    source = sources.describe(request.user, source_type, source_id)  # 404 if out of scope
    assert source is not None

    fixed_team = source.team
    teams = policy.visible_teams(request.user).order_by("name")
    # A suggested team outside the user's scope (or not a team) is not offered, not an error:
    # the link may come from a page that covers teams beyond this user's own.
    team_param = request.GET.get("team", "")
    initial_team = (
        teams.filter(pk=int(team_param)).first()
        if fixed_team is None and team_param.isdigit()
        else None
    )
    person_id = source.person_id or request.GET.get("person_id", "").strip()[:48]
    if person_id and not source.person_id and not may_see_child(request.user, person_id):
        return _raise_refused(request, f"{CHILD_NOT_IN_SCOPE}.")
    if person_id:
        _log_children(request, source_type, {person_id})
    theme_keys = vocabulary.parse_tags(request.GET.get("theme", ""))
    if not theme_keys and source_type == SourceType.INDICATOR:
        theme_keys = [t.key for t in vocabulary.themes_for_indicator(source_id)]

    owners = selectors.owners_for_child(
        person_id, teams=[fixed_team] if fixed_team else list(teams)
    )
    form = RaiseActionForm(
        request.POST or None,
        owners=owners.people,
        allocated=owners.allocated,
        teams=None if fixed_team else teams,
        initial={
            "priority": "medium",
            "team": initial_team.pk if initial_team else None,
            **ThemeFields.initial_for(theme_keys),
        },
    )

    def raise_action(data: dict) -> ImprovementAction:
        team = fixed_team or data.get("team")
        if (
            team is not None
            and not owners.by_child
            and not selectors.may_see_team(data["owner"], team)
        ):
            raise ServiceError(
                f"{data['owner'].full_name} cannot see {team.name}'s work: choose someone who can",
                field="owner",
            )
        return services.action_create(
            actor=request.user,
            source_type=source_type,
            source_id=source_id,
            person_id=person_id,
            **(form.service_values() | {"team": team}),
        )

    return form_page(
        request,
        form,
        raise_action,
        template="actions/raise.html",
        context={
            "source": source,
            "source_type_label": SourceType(source_type).label,
            "fixed_team": fixed_team,
            "person_id": person_id,
            "back_url": _safe_next(request) or _plan_url(source_type, source_id),
        },
        message=lambda action: f"Action {action.pk} has been raised.",
        done=lambda action: redirect(
            _safe_next(request) or reverse("actions:detail", args=[action.pk])
        ),
    )


def _raise_refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "actions/raise_refused.html", {"message": message}, status=400)


# -- the action plan of one source -------------------------------------------------------------


PLAN_COLUMNS = (
    "Issue identified",
    "Action to be taken",
    "Anticipated risk if not completed",
    "Priority",
    "Proposed date for completion",
    "Responsibility for completion",
)


def _plan(request: HttpRequest, source_type: str, source_id: str):
    """The source (None if the user may not see it) and the user's actions from it; 404 when
    the user may see neither. Each child the plan names is a view of that child's record.
    Callers are gated by VIEW_CASEWORK."""
    if source_type not in SourceType.values:
        raise Http404("No such source")
    source = _source_or_none(request.user, source_type, source_id)
    actions = list(selectors.actions_for_source(request.user, source_type, source_id))
    if source is None and not actions:
        raise Http404("No such source")
    _log_children(
        request,
        source_type,
        {a.person_id for a in actions} | ({source.person_id} if source else set()),
    )
    return source, actions


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def plan(request: HttpRequest, source_type: str, source_id: str) -> HttpResponse:
    source, actions = _plan(request, source_type, source_id)
    may_raise = source is not None and policy.can(request.user, policy.Capability.RAISE_ACTIONS)
    plan_url = _plan_url(source_type, source_id)
    raise_url = (
        reverse("actions:raise")
        + "?"
        + urlencode({"source_type": source_type, "source_id": source_id, "next": plan_url})
    )
    label = SourceType(source_type).label
    return render(
        request,
        "actions/plan.html",
        {
            "source": source,
            "title": source.title if source else f"{label} {source_id}",
            "source_type_label": label,
            "groups": selectors.plan_groups(actions),
            "tagged": any(a.themes for a in actions),
            "count": len(actions),
            "columns": PLAN_COLUMNS,
            "today": timezone.localdate(),
            "may_raise": may_raise,
            "raise_url": raise_url,
            "csv_url": reverse(
                "actions:plan_csv", kwargs={"source_type": source_type, "source_id": source_id}
            ),
        },
    )


_cell = safe_cell


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def plan_csv(request: HttpRequest, source_type: str, source_id: str) -> HttpResponse:
    source, actions = _plan(request, source_type, source_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    safe_id = "".join(c if c.isalnum() or c in "-_" else "-" for c in source_id)[:40]
    response["Content-Disposition"] = (
        f'attachment; filename="action-plan-{source_type}-{safe_id}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "Action",
            *PLAN_COLUMNS,
            "Status",
            "Themes",
            "Re-check due",
            "Re-checked on",
            "Re-checked by",
            "Re-check result",
        ]
    )
    today = timezone.localdate()
    for group in selectors.plan_groups(actions):
        for a in group.actions:
            writer.writerow(
                [
                    _cell(value)
                    for value in (
                        a.pk,
                        a.issue,
                        a.action,
                        a.risk_if_not_done,
                        a.get_priority_display(),
                        a.due_date.isoformat(),
                        a.owner.full_name,
                        "Overdue" if a.is_overdue(today) else a.get_status_display(),
                        "; ".join(vocabulary.label(k) for k in a.themes),
                        a.recheck_date.isoformat() if a.recheck_date else "",
                        a.rechecked_on.isoformat() if a.rechecked_on else "",
                        a.get_recheck_method_display(),
                        a.get_recheck_result_display(),
                    )
                ]
            )
    return response


# -- the board: every action by theme ----------------------------------------------------------


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def board(request: HttpRequest) -> HttpResponse:
    # As the list of actions: anyone who sees casework, each seeing the actions in their scope.
    teams = list(policy.visible_teams(request.user).order_by("name"))
    form = BoardFilterForm(request.GET or None, teams=teams, statuses=selectors.BOARD_STATUSES)
    filters = selectors.BoardFilter()
    if form.is_valid():
        filters = selectors.BoardFilter(
            source_type=form.cleaned_data["source_type"],
            team_id=form.cleaned_data["team"],
            status=form.cleaned_data["status"],
        )
    today = timezone.localdate()
    refused = form.is_bound and not form.is_valid()  # a bad filter shows no board, not all of it
    rows = [] if refused else selectors.board(request.user, filters, today)
    return render(
        request,
        "actions/board.html",
        {
            "form": form,
            "rows": rows,
            "listed": [row for row in rows if row.actions],
            "today": today,
        },
        status=400 if refused else 200,
    )
