"""The Timescales pages: administrators see every rule and the council's closure days, and
change the local ones. Statutory rules are shown but cannot be changed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.casework import store
from lineofsight.casework.services import SnapshotUnavailable
from lineofsight.casework.store import NoCurrentSnapshot, SnapshotFileMissing
from lineofsight.intake import services as intake_services

from . import selectors, services
from .expectations import NOT_MEASURABLE
from .forms import ClosureForm, TimescaleValueForm
from .rules import InvalidTimescale

TAKES_EFFECT = (
    "It takes effect at the next import, or when you recompute the case data from the "
    "Timescales page."
)


@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.CONFIGURE)
    in_force = list(selectors.rules_in_force().values())
    return render(
        request,
        "timeliness/rules.html",
        {
            "local_rules": [r for r in in_force if r.editable],
            "statutory_rules": [r for r in in_force if not r.editable],
            "closures": selectors.closure_list(),
            "not_measurable": NOT_MEASURABLE,
            "current": store.current_snapshot(),
            "recomputes": selectors.recompute_runs_recent(),
        },
    )


@require_POST
def recompute_start(request: HttpRequest) -> HttpResponse:
    """Start recomputing the current case data under the timescales now in force."""
    policy.require(request.user, policy.Capability.CONFIGURE)
    try:
        run = services.snapshot_recompute_start(actor=request.user)
    except (
        services.RecomputeAlreadyRunning,
        NoCurrentSnapshot,
        SnapshotFileMissing,
        SnapshotUnavailable,
    ) as exc:
        messages.error(request, f"The case data was not recomputed: {exc}")
        return redirect("timeliness:rules")
    return redirect("timeliness:recompute_detail", pk=run.pk)


@require_GET
def recompute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A recompute's progress (the page refreshes itself while it runs), then its outcome."""
    policy.require(request.user, policy.Capability.CONFIGURE)
    intake_services.import_runs_close_interrupted()
    run = selectors.recompute_run_get(pk)
    refresh = run.is_running and request.GET.get("refresh") != "off"
    return render(request, "timeliness/recompute.html", {"run": run, "refresh": refresh})


@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, rule_id: str) -> HttpResponse:
    policy.require(request.user, policy.Capability.CONFIGURE)
    rule = selectors.editable_rule_get(rule_id)
    initial = {"value": rule.due.amount}
    form = TimescaleValueForm(request.POST or None, initial=initial, rule=rule)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.timescale_rule_update(
                    actor=request.user, rule_id=rule.id, value=form.cleaned_data["value"]
                )
            except InvalidTimescale as exc:
                form.add_error("value", str(exc))
            else:
                updated = selectors.rule_get(rule.id)
                messages.success(
                    request, f"{rule.title} changed to {updated.due.words()}. {TAKES_EFFECT}"
                )
                return redirect("timeliness:rules")
        status = 400
    return render(request, "timeliness/rule_edit.html", {"rule": rule, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def closure_add(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Capability.CONFIGURE)
    form = ClosureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                closure = services.closure_period_add(
                    actor=request.user,
                    first_day=form.cleaned_data["first_day"],
                    last_day=form.cleaned_data["last_day"],
                    description=form.cleaned_data["description"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field, error)
            else:
                messages.success(request, f"Closure added: {closure}. {TAKES_EFFECT}")
                return redirect("timeliness:rules")
        status = 400
    return render(request, "timeliness/closure_add.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, policy.Capability.CONFIGURE)
    closure = selectors.closure_get(pk)
    if request.method == "POST":
        services.closure_period_remove(actor=request.user, closure=closure)
        messages.success(request, f"Closure removed: {closure}. {TAKES_EFFECT}")
        return redirect("timeliness:rules")
    return render(request, "timeliness/closure_remove.html", {"closure": closure})
