"""The recording rules page: the council's word list, its allowed acronyms and each rule with
its on/off switch and how often its findings are dismissed, with the change history. Everyone
with VIEW_RECORDING reads it; MANAGE_RECORDING_RULES changes it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.web.forms import edit_values, form_page

from . import checker
from .forms import AcronymsForm, TermForm, VersionedForm
from .models import RecordingRules
from .selectors import dismissals as dismissal_selectors
from .selectors import rules as selectors
from .services import rules as services

TAKES_EFFECT = (
    "Notes opened from now on are checked under the new rules; the counts on the board follow "
    "at the next import."
)


def _term_values(term: dict | None) -> dict:
    """A term in the checker's shape as the term form's values."""
    if term is None:
        return {}
    variants = [v for v in term.get("variants") or () if v != term["term"]]
    return {
        "term": term["term"],
        "variants": "\n".join(variants),
        "not_when": "\n".join(term.get("not_when") or ()),
        "preferred": term.get("preferred", ""),
        "reason": term.get("reason", ""),
        "legal": "yes" if term.get("legal") else "no",
    }


def _page_context(request: HttpRequest) -> dict:
    record = selectors.rules_record()
    data = record.rules.as_data()
    return {
        "record": record,
        # (position, term, the other ways it is written)
        "terms": [
            (n, t, [v for v in t["variants"] if v != t["term"]])
            for n, t in enumerate(data["terms"], start=1)
        ],
        "acronyms": data["allowed_acronyms"],
        "rule_lines": selectors.rule_lines(record.rules, dismissal_selectors.dismissal_counts()),
        "history": selectors.rules_history(),
        "can_manage": policy.can(request.user, policy.Capability.MANAGE_RECORDING_RULES),
    }


@require_GET
@policy.requires(policy.Capability.VIEW_RECORDING)
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "recording/rules.html", _page_context(request))


@require_POST
@policy.requires(policy.Capability.MANAGE_RECORDING_RULES)
def rules_switch(request: HttpRequest) -> HttpResponse:
    """Switch one rule on or off from the rules page (a button per rule)."""
    rule = request.POST.get("rule", "")
    on = request.POST.get("on") == "yes"
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.rules_switch(actor=request.user, expected_version=version, rule=rule, on=on)
    except services.RulesChangedMeanwhile as exc:
        context = _page_context(request) | {"conflict": exc}
        return render(request, "recording/rules.html", context, status=409)
    except services.RulesError as exc:
        context = _page_context(request) | {"error": exc.message}
        return render(request, "recording/rules.html", context, status=400)
    title = checker.RULES[rule].title
    messages.success(request, f"{title}: switched {'on' if on else 'off'}. {TAKES_EFFECT}")
    return redirect("recording:rules")


def _saved_term(position: int | None):
    def saved(current: RecordingRules) -> dict:
        terms = (current.data or {}).get("terms") or []
        if position is None or not 1 <= position <= len(terms):
            return {}
        return _term_values(terms[position - 1])

    return saved


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.MANAGE_RECORDING_RULES)
def rules_term(request: HttpRequest, position: int | None = None) -> HttpResponse:
    """Add a term (no position) or change the one at `position`."""
    record = selectors.rules_record()
    terms = record.rules.as_data()["terms"]
    known = position is None or 1 <= position <= len(terms)
    if not known and request.method != "POST":
        raise Http404("No such term")
    # A term removed since the form was opened: the service refuses the save as a conflict.
    current = terms[position - 1] if position is not None and known else None
    initial = {"version": record.version, "legal": "no"} | _term_values(current)
    form = TermForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.rules_term_save(
            actor=request.user,
            position=position,
            **(edit_values(data) | {"legal": data["legal"] == "yes"}),
        ),
        template="recording/rules_term.html",
        context={"position": position, "current": current},
        done=lambda _: redirect("recording:rules"),
        message=lambda _: f"The term “{form.cleaned_data['term']}” is saved. {TAKES_EFFECT}",
        saved=_saved_term(position),
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.MANAGE_RECORDING_RULES)
def rules_term_remove(request: HttpRequest, position: int) -> HttpResponse:
    record = selectors.rules_record()
    terms = record.rules.as_data()["terms"]
    if not 1 <= position <= len(terms):
        raise Http404("No such term")
    current = terms[position - 1]
    form = VersionedForm(request.POST or None, initial={"version": record.version})
    return form_page(
        request,
        form,
        lambda data: services.rules_term_remove(
            actor=request.user, position=position, **edit_values(data)
        ),
        template="recording/rules_term_remove.html",
        context={"position": position, "current": current},
        done=lambda _: redirect("recording:rules"),
        message=f"The term “{current['term']}” is removed. {TAKES_EFFECT}",
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.MANAGE_RECORDING_RULES)
def rules_acronyms(request: HttpRequest) -> HttpResponse:
    record = selectors.rules_record()
    now = "\n".join(record.rules.as_data()["allowed_acronyms"])
    form = AcronymsForm(request.POST or None, initial={"version": record.version, "acronyms": now})
    return form_page(
        request,
        form,
        lambda data: services.rules_acronyms_set(actor=request.user, **edit_values(data)),
        template="recording/rules_acronyms.html",
        context={},
        done=lambda _: redirect("recording:rules"),
        message=f"The allowed acronyms are saved. {TAKES_EFFECT}",
        saved=lambda current: {
            "acronyms": "\n".join((current.data or {}).get("allowed_acronyms") or ())
        },
    )
