"""The staff health check's pages: quality assurance leads open a survey, send the links and read
the results; staff answer on a public page reached by their one-time link."""

from __future__ import annotations

import csv
import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team
from lineofsight.web.fields import UKDateField, radio_choice
from lineofsight.web.forms import form_page, form_status, submit
from lineofsight.web.spreadsheet import safe_cell

from . import healthcheck_selectors as selectors
from . import healthcheck_services as services
from .services import FeedbackError, LinkUnavailable, link_attempt_record, link_is_throttled
from .views import _client_ip

CAPABILITY = selectors.CAPABILITY


class TeamsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return obj.name


class HealthCheckForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=services.TITLE_MAX,
        error_messages={"required": "Enter a title"},
        help_text="For example, Staff health check autumn 2026.",
    )
    opens_on = UKDateField(named=True, label="Opens on")
    closes_on = UKDateField(named=True, label="Closes on")
    teams = TeamsField(
        label="Teams included",
        queryset=Team.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one team"},
        help_text="Everyone in these teams can be sent a link.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = selectors.teams_for_survey()


def answer_form(survey, data=None) -> forms.Form:
    """One radio question per statement, on the survey's own scale."""
    choices = [(s["key"], s["label"]) for s in survey.scale]
    fields = {
        item["key"]: radio_choice(item["text"], choices, "Choose an answer for this statement")
        for standard in survey.standards
        for item in standard["items"]
    }
    return type("AnswerForm", (forms.Form,), fields)(data)


def _standards_with_fields(survey, form) -> list[tuple[dict, list]]:
    return [(s, [form[i["key"]] for i in s["items"]]) for s in survey.standards]


# -- the quality assurance lead's pages --------------------------------------------------------


@require_GET
@policy.requires(CAPABILITY)
def healthcheck_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/healthcheck/list.html",
        {"surveys": list(selectors.health_checks())},
    )


@require_http_methods(["GET", "POST"])
@policy.requires(CAPABILITY)
def healthcheck_create(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = HealthCheckForm(
        request.POST or None,
        initial={"opens_on": today, "closes_on": today + datetime.timedelta(days=28)},
    )
    return form_page(
        request,
        form,
        lambda data: services.healthcheck_open(actor=request.user, **data),
        template="feedback/healthcheck/form.html",
        context={},
        message=lambda survey: f"The survey \u201c{survey.title}\u201d is open.",
        done=lambda survey: redirect("feedback:healthcheck_detail", pk=survey.pk),
    )


@require_GET
@policy.requires(CAPABILITY)
def healthcheck_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_health_check(request.user, pk)
    return render(
        request,
        "feedback/healthcheck/detail.html",
        {
            "survey": survey,
            "teams": list(survey.teams.order_by("name")),
            "invited": selectors.invited_count(survey),
            "item_count": sum(len(s["items"]) for s in survey.standards),
        },
    )


@require_POST
@policy.requires(CAPABILITY)
def healthcheck_send(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_health_check(request.user, pk)
    try:
        result = services.healthcheck_send_links(actor=request.user, health_check=survey)
    except FeedbackError as exc:
        messages.error(request, str(exc))
        return redirect("feedback:healthcheck_detail", pk=survey.pk)
    text = f"Links sent: {result.sent}."
    if result.already:
        text += f" {result.already} people already had one and were not sent another."
    if result.failed:
        text += f" {result.failed} could not be sent; send again to try them again."
    (messages.warning if result.failed else messages.success)(request, text)
    return redirect("feedback:healthcheck_detail", pk=survey.pk)


@require_POST
@policy.requires(CAPABILITY)
def healthcheck_close(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_health_check(request.user, pk)
    try:
        version = int(request.POST.get("version", ""))
        services.healthcheck_close(
            actor=request.user, health_check=survey, expected_version=version
        )
    except (ValueError, FeedbackError) as exc:
        messages.error(request, str(exc) if isinstance(exc, FeedbackError) else "Try again.")
        return redirect("feedback:healthcheck_detail", pk=survey.pk)
    messages.success(request, "The survey is closed. Its links no longer work.")
    return redirect("feedback:healthcheck_results", pk=survey.pk)


@require_GET
@policy.requires(CAPABILITY)
def healthcheck_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_health_check(request.user, pk)
    return render(
        request,
        "feedback/healthcheck/results.html",
        {
            "survey": survey,
            "result": selectors.results(survey),
            "bands": selectors.band_texts(),
            "min_answers": selectors.MIN_ANSWERS,
        },
    )


@require_GET
@policy.requires(CAPABILITY)
def healthcheck_results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    survey = selectors.get_health_check(request.user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="staff-health-check-{survey.pk}.csv"'
    writer = csv.writer(response)
    for row in selectors.csv_rows(selectors.results(survey)):
        writer.writerow([safe_cell(value) for value in row])
    return response


# -- the public page, reached by a one-time link without signing in --------------------------


def _unavailable(request: HttpRequest) -> HttpResponse:
    # One page, one status, whatever the reason: unknown, used, expired or closed.
    return render(request, "feedback/healthcheck/public_unavailable.html", status=404)


@login_not_required
@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def healthcheck_public(request: HttpRequest, token: str) -> HttpResponse:
    ip = _client_ip(request)
    if link_is_throttled(ip_address=ip):
        return render(request, "feedback/public_throttled.html", status=429)
    try:
        link = services.usable_link(token, health_check=True)
        if not link.health_check.is_open():
            raise LinkUnavailable
    except LinkUnavailable:
        link_attempt_record(ip_address=ip)
        return _unavailable(request)
    survey = link.health_check
    form = answer_form(survey, request.POST or None)
    try:
        sent = submit(
            request,
            form,
            lambda data: services.healthcheck_submit(token=token, answers=data),
        )
    except LinkUnavailable:
        link_attempt_record(ip_address=ip)
        return _unavailable(request)
    if sent:
        return redirect("feedback:healthcheck_thanks")
    return render(
        request,
        "feedback/healthcheck/public_form.html",
        {
            "survey": survey,
            "form": form,
            "standards": _standards_with_fields(survey, form),
        },
        status=form_status(request, form),
    )


@login_not_required
@never_cache
@require_GET
def healthcheck_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/healthcheck/public_thanks.html")
