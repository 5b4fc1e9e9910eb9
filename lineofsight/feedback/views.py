from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.client_address import client_address
from lineofsight.accounts.models import AccessPurpose
from lineofsight.accounts.services import access_log_record
from lineofsight.framework import vocabulary
from lineofsight.history.services import history_for
from lineofsight.web.filters import page_of
from lineofsight.web.forms import edit_values, form_page, form_status, submit

from . import selectors, services
from .forms import FeedbackForm, FilterForm, LinkForm, PublicFeedbackForm, RespondForm
from .models import Feedback

_HISTORY_LABELS = {
    "feedback_record": "Recorded",
    "feedback_link_submit": "Received through a one-time link",
    "feedback_respond": "Response saved",
}


def _log_child(request: HttpRequest, item: Feedback) -> None:
    """A page about feedback on a child's case is a view of that child's record."""
    if item.person_id:
        access_log_record(
            user=request.user,
            person_id=item.person_id,
            purpose=AccessPurpose.CASEWORK,
            path=request.get_full_path(),
        )


def _themes(keys: list[str]) -> list[tuple[str, str]]:
    return [(k, vocabulary.label(k)) for k in keys]


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def feedback_list(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_for_recording(request.user)
    form = FilterForm(
        request.GET or None, teams=teams, themes=selectors.themes_in_use(request.user)
    )
    filters = selectors.FeedbackFilter()
    if form.is_valid():
        team = form.cleaned_data["team"]
        filters = selectors.FeedbackFilter(
            kind=form.cleaned_data["kind"],
            from_whom=form.cleaned_data["from_whom"],
            team_id=team.pk if team else None,
            theme=form.cleaned_data["theme"],
            responded=form.cleaned_data["responded"],
        )
    items = selectors.feedback_list(request.user, filters)
    if form.is_bound and not form.is_valid():  # a bad filter shows no list, not all of it
        items = []
    page, query = page_of(request, items)
    return render(
        request,
        "feedback/list.html",
        {
            "form": form,
            "page": page,
            "query": query,
            "may_manage": policy.can(request.user, policy.Capability.MANAGE_FEEDBACK),
        },
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_CASEWORK)
def feedback_create(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_for_recording(request.user)
    form = FeedbackForm(
        request.POST or None,
        teams=teams,
        user=request.user,
        initial={"received_on": timezone.localdate()},
    )
    return form_page(
        request,
        form,
        lambda _: services.feedback_record(actor=request.user, **form.service_values()),
        template="feedback/form.html",
        context={},
        message=lambda recorded: f"Feedback {recorded.reference} has been recorded.",
        done=lambda recorded: redirect("feedback:detail", pk=recorded.pk),
    )


def _raise_action_url(item) -> str:
    try:
        base = reverse("actions:raise")
    except NoReverseMatch:
        return ""
    query = {"source_type": "feedback", "source_id": item.pk, "team": item.team_id}
    return f"{base}?{urlencode(query)}"


@require_GET
def feedback_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_feedback_for_user(request.user, pk)
    _log_child(request, item)
    may_raise = policy.can(request.user, policy.Capability.RAISE_ACTIONS)
    return render(
        request,
        "feedback/detail.html",
        {
            "item": item,
            "themes": _themes(item.themes or []),
            "may_respond": policy.can(request.user, policy.Capability.MANAGE_FEEDBACK),
            "raise_action_url": _raise_action_url(item) if may_raise else "",
            "history": [
                (event, _HISTORY_LABELS.get(event.action, event.action))
                for event in history_for(item).order_by("at")[:50]
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def feedback_respond(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_feedback_for_user(request.user, pk)
    policy.require(request.user, policy.Capability.MANAGE_FEEDBACK)
    form = RespondForm(request.POST or None, initial=_response_values(item))
    if submit(
        request,
        form,
        lambda _: services.feedback_respond(
            actor=request.user, feedback=item, **edit_values(form.service_values())
        ),
        saved=_response_values,
    ):
        messages.success(request, "The response has been saved.")
        return redirect("feedback:detail", pk=item.pk)
    _log_child(request, item)
    return render(
        request,
        "feedback/respond.html",
        {"item": item, "form": form},
        status=form_status(request, form),
    )


def _response_values(item: Feedback) -> dict[str, object]:
    """The response as the form's values: to start from, and to compare after a conflict."""
    vocabulary_keys = {k for k, _ in vocabulary.choices()}
    return {
        "response": item.response,
        "responded_on": item.responded_on or timezone.localdate(),
        "version": item.version,
        "themes": [k for k in item.themes if k in vocabulary_keys],
        "other_themes": ", ".join(k for k in item.themes if k not in vocabulary_keys),
    }


@never_cache
@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_CASEWORK)
def link_create(request: HttpRequest) -> HttpResponse:
    teams = selectors.teams_for_recording(request.user)
    form = LinkForm(request.POST or None, teams=teams)
    return form_page(
        request,
        form,
        lambda data: services.feedback_link_create(
            actor=request.user, team=data["team"], for_whom=data["for_whom"]
        ),
        template="feedback/link_form.html",
        context={"days": settings.FEEDBACK_LINK_DAYS},
        # The token is shown here once and nowhere else: only its hash is kept.
        done=lambda made: render(
            request,
            "feedback/link_created.html",
            {"url": request.build_absolute_uri(made.path), "link": made.link},
        ),
    )


@require_GET
@policy.requires(policy.Capability.VIEW_CASEWORK)
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/you_said_we_did.html",
        {"groups": selectors.you_said_we_did(request.user)},
    )


# -- the public page, reached by a one-time link without signing in --------------------------


def _client_ip(request: HttpRequest) -> str | None:
    # Behind the council's proxy, the family's own address (accounts.client_address).
    return client_address(request)


def _unavailable(request: HttpRequest) -> HttpResponse:
    # One page, one status, for a link that is unknown, used or expired: never say which.
    return render(request, "feedback/public_unavailable.html", status=404)


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def public(request: HttpRequest, token: str) -> HttpResponse:
    ip = _client_ip(request)
    if services.link_is_throttled(ip_address=ip):
        return render(request, "feedback/public_throttled.html", status=429)
    try:
        services.usable_link(token)
    except services.LinkUnavailable:
        services.link_attempt_record(ip_address=ip)
        return _unavailable(request)
    form = PublicFeedbackForm(request.POST or None)
    try:
        sent = submit(
            request,
            form,
            lambda data: services.feedback_link_submit(
                token=token,
                rating=data["rating"],
                went_well=data["went_well"],
                could_be_better=data["could_be_better"],
                consent_to_share=data["share"],
            ),
        )
    except services.LinkUnavailable:
        services.link_attempt_record(ip_address=ip)
        return _unavailable(request)
    if sent:
        services.link_attempts_clear(ip_address=ip)
        return redirect("feedback:thanks")
    return render(request, "feedback/public_form.html", {"form": form}, status=form_status(request))


@login_not_required
@never_cache
@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/public_thanks.html")
