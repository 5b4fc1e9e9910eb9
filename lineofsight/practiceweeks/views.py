"""Practice week pages. Each view: who may use practice weeks at all (403), the object in the
user's scope (404), then whether they may act on it (403)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import Service, Team
from lineofsight.actions import selectors as action_selectors
from lineofsight.actions.models import SourceType
from lineofsight.framework import vocabulary
from lineofsight.history.services import history_for
from lineofsight.web import documents
from lineofsight.web.forms import edit_values, form_page, form_status, submit

from . import analysis as week_analysis
from . import names, reports, selectors, services
from .forms import (
    ConsentForm,
    ObservationForm,
    ReopenForm,
    TagForm,
    VersionForm,
    VisitForm,
    WeekFilterForm,
    WeekForm,
    kind_of,
)
from .models import Heading, Kind, Observation, PracticeWeek, Visit, WeekKind

# -- helpers -----------------------------------------------------------------------------------


def raise_action_url(week: PracticeWeek, theme: str, team: Team | None) -> str:
    """The actions app's form to raise an action from this week, theme and team ("" until the
    actions app offers it)."""
    try:
        base = reverse("actions:raise")
    except NoReverseMatch:
        return ""
    query = {"source_type": SourceType.PRACTICE_WEEK, "source_id": week.pk, "theme": theme}
    if team is not None:
        query["team"] = team.pk
    return f"{base}?{urlencode(query)}"


def action_plan_url(week: PracticeWeek) -> str:
    """The actions app's action plan of this week ("" until the actions app offers it)."""
    try:
        return reverse("actions:plan", args=[SourceType.PRACTICE_WEEK, week.pk])
    except NoReverseMatch:
        return ""


def _allowed_words() -> list[str]:
    """Words that are not names here: the council's teams, services and name, the themes."""
    words = list(Team.objects.values_list("name", flat=True))
    words += list(Service.objects.values_list("name", flat=True))
    words.append(settings.COUNCIL_NAME)
    words += [t.label for t in vocabulary.themes()]
    return words


ACTION_LABELS = {
    "week_create": "Created the week",
    "week_update": "Changed the week",
    "visit_create": "Planned the visit",
    "visit_update": "Changed the visit",
    "consent_record": "Recorded the family's consent",
    "observation_save": "Saved the draft",
    "observation_submit": "Submitted",
    "observation_reopen": "Reopened",
    "observation_tag": "Tagged themes",
}


def _field_label(form: ObservationForm, name: str) -> str:
    heading = name.split("__", 1)[0] if "__" in name else ""
    label = str(form[name].label)
    return f"{Heading(heading).label}: {label}" if heading else label


def _history(obj) -> list[dict]:
    rows = []
    for event in history_for(obj)[:50]:
        fields = [name.replace("__", " ").replace("_", " ").capitalize() for name in event.changes]
        label = ACTION_LABELS.get(event.action, event.action.replace("_", " ").capitalize())
        rows.append({"event": event, "fields": fields, "label": label})
    return rows


# -- weeks -------------------------------------------------------------------------------------


@require_GET
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def weeks(request: HttpRequest) -> HttpResponse:
    filter_form = WeekFilterForm(request.GET or None)
    kind = filter_form.cleaned_data["kind"] if filter_form.is_valid() else ""
    found = list(selectors.week_list(request.user, kind))
    visits = {}
    for visit in (
        selectors.visits_visible_to(request.user)
        .filter(week__in=found)
        .select_related("observation")
    ):
        counts = visits.setdefault(visit.week_id, {"visits": 0, "submitted": 0})
        counts["visits"] += 1
        observation = getattr(visit, "observation", None)
        if observation is not None and observation.is_locked:
            counts["submitted"] += 1
    rows = [{"week": w, **visits.get(w.pk, {"visits": 0, "submitted": 0})} for w in found]
    my_visits = (
        selectors.visits_visible_to(request.user)
        .filter(assessor=request.user)
        .select_related("observation")
        .order_by("starts_at")
    )
    return render(
        request,
        "practiceweeks/weeks.html",
        {
            "rows": rows,
            "my_visits": my_visits,
            "can_manage": policy.can(request.user, selectors.MANAGE),
            "form": filter_form,
            "kind": kind,
            "focused_day": WeekKind.FOCUSED_DAY.value,
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.MANAGE_PRACTICE_WEEKS)
def week_create(request: HttpRequest) -> HttpResponse:
    """Plan a practice week, or a focused practice day (`?kind=focused_day`, kept in the form)."""
    kind = kind_of(request.POST.get("kind") or request.GET.get("kind"))
    initial: dict = {"kind": kind.value}
    if kind == WeekKind.FOCUSED_DAY:
        initial["rechecks"] = selectors.weeks_to_recheck().first()
    form = WeekForm(request.POST or None, initial=initial)
    del form.fields["reflection"]
    return form_page(
        request,
        form,
        lambda data: services.week_create(actor=request.user, **_week_plan(data)),
        template="practiceweeks/week_form.html",
        context={"week": None, "kind_label": kind.label, "focused": kind == WeekKind.FOCUSED_DAY},
        message=f"The {kind.label.lower()} has been created. Now plan its visits.",
        done=lambda week: redirect("practiceweeks:week_detail", pk=week.pk),
    )


def _week_plan(data: dict) -> dict:
    """What plans a week, from the week form (the reflection is written once it has run)."""
    return {f: data[f] for f in services.WEEK_FIELDS if f != "reflection"}


@require_GET
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def week_detail(request: HttpRequest, pk: int) -> HttpResponse:
    week = selectors.get_week_for_user(request.user, pk)
    visits = list(selectors.week_visits(request.user, week))
    rows = []
    for visit in visits:
        observation = getattr(visit, "observation", None)
        rows.append(
            {
                "visit": visit,
                "observation": observation,
                "consent_ok": selectors.consent_in_time(visit),
                "can_record": selectors.can_record(request.user, visit),
            }
        )
    rechecked = selectors.previous_week(request.user, week) if week.is_focused_day else None
    return render(
        request,
        "practiceweeks/week_detail.html",
        {
            "week": week,
            "rechecked": rechecked,
            "focused_days": []
            if week.is_focused_day
            else selectors.focused_days_of(request.user, week),
            "rechecks": selectors.action_rechecks(request.user, week),
            "rows": rows,
            "services": week.services.all(),
            "teams": week.teams.select_related("service"),
            "can_manage": policy.can(request.user, selectors.MANAGE),
            "reads_whole_week": policy.can(request.user, selectors.WHOLE_WEEK),
            "history": _history(week) if policy.can(request.user, selectors.MANAGE) else [],
        },
    )


def _week_values(week: PracticeWeek) -> dict:
    """The week as the form's values: its initial, and what someone else saved after a conflict."""
    return {
        "kind": week.kind,
        "rechecks": week.rechecks,
        "title": week.title,
        "starts_on": week.starts_on,
        "ends_on": week.ends_on,
        "purpose": week.purpose,
        "reflection": week.reflection,
        "services": list(week.services.all()),
        "teams": list(week.teams.all()),
        "version": week.version,
    }


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def week_edit(request: HttpRequest, pk: int) -> HttpResponse:
    week = selectors.get_week_for_user(request.user, pk)
    selectors.require_manage(request.user)
    return form_page(
        request,
        WeekForm(request.POST or None, initial=_week_values(week)),
        # The kind stays what it was planned as: a week never becomes a day, nor a day a week.
        lambda data: services.week_update(
            actor=request.user, week=week, **{**edit_values(data), "kind": week.kind}
        ),
        template="practiceweeks/week_form.html",
        context={
            "week": week,
            "kind_label": week.get_kind_display(),
            "focused": week.is_focused_day,
        },
        message=f"The {week.get_kind_display().lower()} has been saved.",
        done=lambda _: redirect("practiceweeks:week_detail", pk=week.pk),
        saved=_week_values,
    )


# -- visits ------------------------------------------------------------------------------------


def _visit_form(request: HttpRequest, week: PracticeWeek, initial: dict | None = None) -> VisitForm:
    return VisitForm(
        request.POST or None,
        initial=initial,
        assessors=selectors.assessor_candidates(),
        teams=week.scope_teams().order_by("service__name", "name"),
    )


def _visit_initial(visit: Visit) -> dict:
    """The visit as the form's values: its initial, and what someone else saved after a conflict."""
    local = timezone.localtime(visit.starts_at)
    return {
        "assessor": visit.assessor,
        "team": visit.team,
        "day": local.date(),
        "time": local.time().strftime("%H:%M"),
        "local_contact": visit.local_contact,
        "team_size": visit.team_size,
        "team_context": visit.team_context,
        "team_structure": visit.team_structure,
        "briefing": visit.briefing,
        "observes_family": visit.observes_family,
        "family_activity": visit.family_activity,
        "version": visit.version,
    }


def _visit_values(form: VisitForm) -> dict:
    """The visit's values for the service: the form's own, the day and time as one moment."""
    values = {k: v for k, v in form.cleaned_data.items() if k not in ("day", "time", "version")}
    return values | {"starts_at": form.starts_at()}


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    week = selectors.get_week_for_user(request.user, pk)
    selectors.require_manage(request.user)
    form = _visit_form(request, week, initial={"day": week.starts_on})
    return form_page(
        request,
        form,
        lambda data: services.visit_create(actor=request.user, week=week, **_visit_values(form)),
        template="practiceweeks/visit_form.html",
        context={"week": week, "visit": None},
        message=lambda visit: f"The visit to {visit.team} has been added to the timetable.",
        done=lambda _: redirect("practiceweeks:week_detail", pk=week.pk),
    )


@require_GET
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    observation = Observation.objects.filter(visit=visit).first()
    shown = None
    if observation is not None:
        shown = selectors.observations_visible_to(request.user).filter(pk=observation.pk).first()
    return render(
        request,
        "practiceweeks/visit_detail.html",
        {
            "visit": visit,
            "week": visit.week,
            "observation": observation,
            "observation_visible": shown is not None,
            "consents": visit.consents.select_related("recorded_by"),
            "consent_ok": selectors.consent_in_time(visit),
            "can_record": selectors.can_record(request.user, visit),
            "can_record_consent": selectors.can_record_consent(request.user, visit),
            "can_manage": policy.can(request.user, selectors.MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    selectors.require_manage(request.user)
    form = _visit_form(request, visit.week, initial=_visit_initial(visit))
    return form_page(
        request,
        form,
        lambda data: services.visit_update(
            actor=request.user,
            visit=visit,
            expected_version=data["version"] or 0,
            **_visit_values(form),
        ),
        template="practiceweeks/visit_form.html",
        context={"week": visit.week, "visit": visit},
        message="The visit has been saved.",
        done=lambda _: redirect("practiceweeks:visit_detail", pk=visit.pk),
        saved=_visit_initial,
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    visit = selectors.get_visit_for_user(request.user, pk)
    if not selectors.can_record_consent(request.user, visit):
        raise PermissionDenied("Only the assessor or a quality assurance lead records consent.")
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    return form_page(
        request,
        form,
        lambda _: services.consent_record(actor=request.user, visit=visit, **form.service_values()),
        template="practiceweeks/consent.html",
        context={
            "visit": visit,
            "consents": visit.consents.select_related("recorded_by"),
            "started": timezone.now() >= visit.starts_at,
        },
        message="The family's consent has been recorded.",
        done=lambda _: redirect("practiceweeks:visit_detail", pk=visit.pk),
    )


# -- observations ------------------------------------------------------------------------------


def _observation_values(observation: Observation | None) -> dict:
    """The observation as the form's values (empty before the first save), and what someone
    else saved after a conflict."""
    values = {**services.findings_text(observation), "version": 0}
    if observation is not None:
        values.update({f: getattr(observation, f) for f in services.OBSERVATION_TEXT_FIELDS})
        values["version"] = observation.version
    return values


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def observation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor writes the observation of a visit (pk is the visit's)."""
    visit = selectors.get_visit_for_user(request.user, pk)
    if not selectors.can_record(request.user, visit):
        raise PermissionDenied("Only the visit's assessor records its observation.")
    observation = Observation.objects.filter(visit=visit).first()
    if observation is not None and observation.is_locked:
        messages.info(
            request,
            "This observation has been submitted and is locked. A quality assurance lead can "
            "reopen it if it needs to change.",
        )
        return redirect("practiceweeks:observation_detail", pk=observation.pk)
    form = ObservationForm(request.POST or None, initial=_observation_values(observation))
    found_names: list[dict] = []
    saved = []

    def save(data: dict) -> None:
        found = names.names_in(form.texts(), _allowed_words())
        if found and not data["names_checked"]:
            # Not saved yet: the assessor is asked to check the names first (not an error).
            found_names.extend(
                {"field": form[name], "label": _field_label(form, name), "words": words}
                for name, words in found.items()
            )
            return
        saved.append(
            services.observation_save(
                actor=request.user,
                visit=visit,
                expected_version=data["version"] or 0,
                findings={n: data[n] for _, _, n in services.FINDING_FIELDS},
                case_examples=data["case_examples"],
                children_said=data["children_said"],
                parents_carers_said=data["parents_carers_said"],
                family_meeting_observed=data["family_meeting_observed"],
                family_meeting_notes=data["family_meeting_notes"],
                names_confirmed=[w for words in found.values() for w in words],
            )
        )

    if submit(request, form, save, saved=_observation_values) and saved:
        if "check" in request.POST:
            return redirect("practiceweeks:observation_submit", pk=saved[0].pk)
        messages.success(request, "Your observation has been saved as a draft.")
        return redirect("practiceweeks:observation_edit", pk=visit.pk)
    if getattr(form, "conflict", None):
        # The names are checked again against what is saved now.
        form.data.pop("names_checked", None)
        form.full_clean()
    return render(
        request,
        "practiceweeks/observation_form.html",
        {
            "visit": visit,
            "observation": observation,
            "form": form,
            "found_names": found_names,
            "consent_ok": selectors.consent_in_time(visit),
        },
        status=200 if found_names else form_status(request, form),
    )


def _observation_context(request: HttpRequest, observation: Observation) -> dict:
    user = request.user
    return {
        "observation": observation,
        "visit": observation.visit,
        "week": observation.visit.week,
        "sections": selectors.findings_by_heading(observation),
        "versions": observation.versions.select_related("submitted_by"),
        "history": _history(observation),
        "can_record": selectors.can_record(user, observation.visit),
        "can_tag": selectors.can_tag(user, observation),
        "can_reopen": selectors.can_reopen(user, observation),
    }


@require_GET
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    observation = selectors.get_observation_for_user(request.user, pk)
    return render(
        request,
        "practiceweeks/observation_detail.html",
        _observation_context(request, observation),
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def observation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    observation = selectors.get_observation_for_user(request.user, pk)
    if not selectors.can_record(request.user, observation.visit):
        raise PermissionDenied("Only the visit's assessor submits its observation.")
    if observation.is_locked:
        messages.info(request, "This observation has already been submitted.")
        return redirect("practiceweeks:observation_detail", pk=observation.pk)
    form = VersionForm(request.POST or None, initial={"version": observation.version})
    if submit(
        request,
        form,
        lambda data: services.observation_submit(
            actor=request.user, observation=observation, **edit_values(data)
        ),
    ):
        messages.success(
            request, "Your observation has been submitted and is now locked. Thank you."
        )
        return redirect("practiceweeks:observation_detail", pk=observation.pk)
    observation.refresh_from_db()
    context = _observation_context(request, observation)
    context["form"] = form
    # Any refusal here, a conflict too, is a 400 (the page has always said so).
    return render(
        request, "practiceweeks/observation_submit.html", context, status=form_status(request)
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def observation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    observation = selectors.get_observation_for_user(request.user, pk)
    if not selectors.can_reopen(request.user, observation):
        raise PermissionDenied("Only a quality assurance lead reopens a submitted observation.")
    return form_page(
        request,
        ReopenForm(request.POST or None),
        lambda data: services.observation_reopen(
            actor=request.user, observation=observation, reason=data["reason"]
        ),
        template="practiceweeks/observation_reopen.html",
        context={"observation": observation, "visit": observation.visit},
        message=lambda opened: (
            f"Version {opened.number} has been opened for the assessor to change. Version "
            f"{opened.number - 1} stays as it was submitted."
        ),
        done=lambda _: redirect("practiceweeks:observation_detail", pk=observation.pk),
    )


@require_GET
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def observation_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    observation = selectors.get_observation_for_user(request.user, pk)
    version = selectors.get_version_for_user(request.user, observation, number)
    content = version.content or {}
    sections = []
    for heading in Heading:
        items = [f for f in content.get("findings", []) if f.get("heading") == heading.value]
        sections.append(
            {
                "label": heading.label,
                "strengths": [f for f in items if f.get("kind") == Kind.STRENGTH],
                "areas": [f for f in items if f.get("kind") == Kind.AREA],
            }
        )
    return render(
        request,
        "practiceweeks/observation_version.html",
        {
            "observation": observation,
            "visit": observation.visit,
            "version": version,
            "content": content,
            "sections": sections,
            "labels": dict(vocabulary.choices()),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.VIEW_PRACTICE_WEEKS)
def observation_themes(request: HttpRequest, pk: int) -> HttpResponse:
    observation = selectors.get_observation_for_user(request.user, pk)
    if not selectors.can_tag(request.user, observation):
        raise PermissionDenied("Only the assessor or a quality assurance lead tags themes.")
    findings = list(observation.findings.order_by("heading", "kind", "order", "id"))
    order = {h.value: n for n, h in enumerate(Heading)}
    findings.sort(key=lambda f: (order[f.heading], f.kind != Kind.STRENGTH, f.order))
    form = TagForm(
        request.POST or None, findings=findings, initial={"version": observation.version}
    )
    if submit(
        request,
        form,
        lambda data: services.observation_tag(
            actor=request.user,
            observation=observation,
            expected_version=data["version"],
            tags=form.tags(),
        ),
    ):
        messages.success(request, "The themes have been saved.")
        return redirect("practiceweeks:observation_detail", pk=observation.pk)
    rows = form.rows()
    labels = dict(Heading.choices)
    for row in rows:
        row["heading"] = labels[row["finding"].heading]
    return render(
        request,
        "practiceweeks/observation_themes.html",
        {
            "observation": observation,
            "visit": observation.visit,
            "form": form,
            "rows": rows,
        },
        status=form_status(request, form),
    )


# -- analysis and report -----------------------------------------------------------------------


def _analysed_week(request: HttpRequest, pk: int):
    # Callers are gated by READ_WHOLE_PRACTICE_WEEKS.
    week = selectors.get_week_for_user(request.user, pk)
    result = week_analysis.week_analysis(week)
    previous = selectors.previous_week(request.user, week)
    comparison = (
        week_analysis.compare(result, week_analysis.week_analysis(previous)) if previous else None
    )
    return week, result, comparison


@require_GET
@policy.requires(policy.Capability.READ_WHOLE_PRACTICE_WEEKS)
def analysis(request: HttpRequest, pk: int) -> HttpResponse:
    week, result, comparison = _analysed_week(request, pk)
    may_raise = policy.can(request.user, policy.Capability.RAISE_ACTIONS)
    themes = []
    for count in result.themes:
        links = []
        if may_raise:
            for team in count.teams:
                url = raise_action_url(week, count.key, team)
                if url:
                    links.append({"team": team, "url": url})
        themes.append({"count": count, "raise": links})
    high, low = week_analysis.thresholds()
    return render(
        request,
        "practiceweeks/analysis.html",
        {
            "week": week,
            "result": result,
            "themes": themes,
            "comparison": comparison,
            "high_pct": f"{high:.0%}",
            "low_pct": f"{low:.0%}",
            "min_teams": week_analysis.MIN_TEAMS,
            "suppression_note": week_analysis.SUPPRESSION_NOTE,
            "action_plan_url": action_plan_url(week),
            "can_manage": policy.can(request.user, selectors.MANAGE),
        },
    )


def _report(request: HttpRequest, pk: int) -> tuple[PracticeWeek, documents.Report]:
    week, result, comparison = _analysed_week(request, pk)
    actions = action_selectors.actions_for_source(
        request.user, SourceType.PRACTICE_WEEK, week.pk
    ).select_related("owner", "team")
    rechecks = selectors.action_rechecks(request.user, week) if week.is_focused_day else None
    return week, reports.week_report(
        result=result, comparison=comparison, actions=actions, rechecks=rechecks
    )


@require_GET
@policy.requires(policy.Capability.READ_WHOLE_PRACTICE_WEEKS)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    week, built = _report(request, pk)
    blocks = [(type(b).__name__.lower(), b) for b in built.blocks]
    return render(
        request,
        "practiceweeks/report.html",
        {
            "week": week,
            "report": built,
            "blocks": blocks,
            "can_manage": policy.can(request.user, selectors.MANAGE),
        },
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _stem(week: PracticeWeek) -> str:
    return f"{slugify(week.get_kind_display())}-{slugify(week.title) or week.pk}"


@require_GET
@policy.requires(policy.Capability.READ_WHOLE_PRACTICE_WEEKS)
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    week, built = _report(request, pk)
    return _download(
        documents.render_docx(built),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{_stem(week)}.docx",
    )


@require_GET
@policy.requires(policy.Capability.READ_WHOLE_PRACTICE_WEEKS)
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    week, built = _report(request, pk)
    return _download(documents.render_pdf(built), "application/pdf", f"{_stem(week)}.pdf")
