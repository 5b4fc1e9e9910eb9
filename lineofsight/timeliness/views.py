"""The Timescales pages: administrators see every rule and the council's closure days, and
change the local ones. Statutory rules are shown but cannot be changed."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.casework import store
from lineofsight.casework.services import SnapshotUnavailable
from lineofsight.casework.store import NoCurrentSnapshot, SnapshotFileMissing
from lineofsight.intake import services as intake_services
from lineofsight.web.forms import form_status, submit

from . import selectors, services
from .expectations import NOT_MEASURABLE
from .forms import ClosureForm, TimescaleValueForm

TAKES_EFFECT = (
    "It takes effect at the next import, or when you recompute the case data from the "
    "Timescales page."
)


@require_GET
@policy.requires(policy.Capability.CONFIGURE)
def rules(request: HttpRequest) -> HttpResponse:
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
@policy.requires(policy.Capability.CONFIGURE)
def recompute_start(request: HttpRequest) -> HttpResponse:
    """Start recomputing the current case data under the timescales now in force."""
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
@policy.requires(policy.Capability.CONFIGURE)
def recompute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A recompute's progress (with a button to check again while it runs), then its outcome."""
    intake_services.import_runs_close_interrupted()
    run = selectors.recompute_run_get(pk)
    failure = [run.failure_message or "It stopped before it finished."]
    return render(
        request,
        "timeliness/recompute.html",
        {"run": run, "failure": failure},
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.CONFIGURE)
def rule_edit(request: HttpRequest, rule_id: str) -> HttpResponse:
    rule = selectors.editable_rule_get(rule_id)
    initial = {"value": rule.due.amount}
    form = TimescaleValueForm(request.POST or None, initial=initial, rule=rule)
    if submit(
        request,
        form,
        lambda data: services.timescale_rule_update(
            actor=request.user, rule_id=rule.id, value=data["value"]
        ),
    ):
        updated = selectors.rule_get(rule.id)
        messages.success(request, f"{rule.title} changed to {updated.due.words()}. {TAKES_EFFECT}")
        return redirect("timeliness:rules")
    return render(
        request,
        "timeliness/rule_edit.html",
        {"rule": rule, "form": form},
        status=form_status(request),
    )


def _closure_add(request: HttpRequest, data: dict) -> None:
    closure = services.closure_period_add(actor=request.user, **data)
    messages.success(request, f"Closure added: {closure}. {TAKES_EFFECT}")


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.CONFIGURE)
def closure_add(request: HttpRequest) -> HttpResponse:
    form = ClosureForm(request.POST or None)
    if submit(request, form, lambda data: _closure_add(request, data)):
        return redirect("timeliness:rules")
    return render(
        request, "timeliness/closure_add.html", {"form": form}, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.CONFIGURE)
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = selectors.closure_get(pk)
    if request.method == "POST":
        services.closure_period_remove(actor=request.user, closure=closure)
        messages.success(request, f"Closure removed: {closure}. {TAKES_EFFECT}")
        return redirect("timeliness:rules")
    return render(request, "timeliness/closure_remove.html", {"closure": closure})
