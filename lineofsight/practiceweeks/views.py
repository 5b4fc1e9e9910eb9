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
from lineofsight.history.services import history_for
from lineofsight.themes import vocabulary
from lineofsight.web import documents

from . import analysis as week_analysis
from . import names, reports, selectors, services
from .forms import (
    ConsentForm,
    ObservationForm,
    ReopenForm,
    TagForm,
    VersionForm,
    VisitForm,
    WeekForm,
)
from .models import Heading, Kind, Observation, PracticeWeek

# -- helpers -----------------------------------------------------------------------------------


def _form_error(form, exc: services.PracticeWeekError) -> None:
    """Put a service's refusal on the form field it is about (or the whole form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


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
def weeks(request: HttpRequest) -> HttpResponse:
    selectors.require_view(request.user)
    found = list(selectors.week_list(request.user))
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
        {"rows": rows, "my_visits": my_visits, "can_manage": selectors.may_manage(request.user)},
    )


@require_http_methods(["GET", "POST"])
def week_create(request: HttpRequest) -> HttpResponse:
    selectors.require_view(request.user)
    selectors.require_manage(request.user)
    form = WeekForm(request.POST or None)
    del form.fields["reflection"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            week = services.week_create(
                actor=request.user,
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                purpose=data["purpose"],
                services=data["services"],
                teams=data["teams"],
            )
        except services.PracticeWeekError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, "The practice week has been created. Now plan its visits.")
            return redirect("practiceweeks:week_detail", pk=week.pk)
    return render(
        request,
        "practiceweeks/week_form.html",
        {"form": form, "week": None},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def week_detail(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
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
    return render(
        request,
        "practiceweeks/week_detail.html",
        {
            "week": week,
            "rows": rows,
            "services": week.services.all(),
            "teams": week.teams.select_related("service"),
            "can_manage": selectors.may_manage(request.user),
            "reads_whole_week": selectors.reads_whole_week(request.user),
            "history": _history(week) if selectors.may_manage(request.user) else [],
        },
    )


@require_http_methods(["GET", "POST"])
def week_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    week = selectors.get_week_for_user(request.user, pk)
    selectors.require_manage(request.user)
    initial = {
        "title": week.title,
        "starts_on": week.starts_on,
        "ends_on": week.ends_on,
        "purpose": week.purpose,
        "reflection": week.reflection,
        "services": list(week.services.all()),
        "teams": list(week.teams.all()),
        "version": week.version,
    }
    form = WeekForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.week_update(
                    actor=request.user,
                    week=week,
                    expected_version=data["version"] or 0,
                    title=data["title"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    purpose=data["purpose"],
                    reflection=data["reflection"],
                    services=data["services"],
                    teams=data["teams"],
                )
            except services.EditConflict as exc:
                status = 409
                week.refresh_from_db()
                data = request.POST.copy()
                data["version"] = week.version
                form = WeekForm(data, initial=initial)
                form.is_valid()
                form.add_error(None, str(exc))
            except services.PracticeWeekError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The practice week has been saved.")
                return redirect("practiceweeks:week_detail", pk=week.pk)
    return render(
        request, "practiceweeks/week_form.html", {"form": form, "week": week}, status=status
    )


# -- visits ------------------------------------------------------------------------------------


def _visit_form(request: HttpRequest, week: PracticeWeek, initial: dict | None = None) -> VisitForm:
    return VisitForm(
        request.POST or None,
        initial=initial,
        assessors=selectors.assessor_candidates(),
        teams=week.scope_teams().order_by("service__name", "name"),
    )


def _visit_values(form: VisitForm) -> dict:
    data = form.cleaned_data
    return {
        "assessor": data["assessor"],
        "team": data["team"],
        "starts_at": form.starts_at(),
        "local_contact": data["local_contact"],
        "team_size": data["team_size"],
        "team_context": data["team_context"],
        "team_structure": data["team_structure"],
        "briefing": data["briefing"],
        "observes_family": data["observes_family"],
        "family_activity": data["family_activity"],
    }


@require_http_methods(["GET", "POST"])
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    week = selectors.get_week_for_user(request.user, pk)
    selectors.require_manage(request.user)
    form = _visit_form(request, week, initial={"day": week.starts_on})
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_create(actor=request.user, week=week, **_visit_values(form))
        except services.PracticeWeekError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, f"The visit to {visit.team} has been added to the timetable.")
            return redirect("practiceweeks:week_detail", pk=week.pk)
    return render(
        request,
        "practiceweeks/visit_form.html",
        {"form": form, "week": week, "visit": None},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
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
            "can_manage": selectors.may_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def visit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    visit = selectors.get_visit_for_user(request.user, pk)
    selectors.require_manage(request.user)
    local = timezone.localtime(visit.starts_at)
    initial = {
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
    form = _visit_form(request, visit.week, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.visit_update(
                    actor=request.user,
                    visit=visit,
                    expected_version=form.cleaned_data["version"] or 0,
                    **_visit_values(form),
                )
            except services.EditConflict as exc:
                status = 409
                visit.refresh_from_db()
                data = request.POST.copy()
                data["version"] = visit.version
                form = VisitForm(
                    data,
                    assessors=selectors.assessor_candidates(),
                    teams=visit.week.scope_teams(),
                )
                form.full_clean()
                form.add_error(None, str(exc))
            except services.PracticeWeekError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, "The visit has been saved.")
                return redirect("practiceweeks:visit_detail", pk=visit.pk)
    return render(
        request,
        "practiceweeks/visit_form.html",
        {"form": form, "week": visit.week, "visit": visit},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    visit = selectors.get_visit_for_user(request.user, pk)
    if not selectors.can_record_consent(request.user, visit):
        raise PermissionDenied("Only the assessor or a quality assurance lead records consent.")
    form = ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.consent_record(
                actor=request.user,
                visit=visit,
                given_by=data["given_by"],
                method=data["method"],
                given_at=form.given_at(),
                notes=data["notes"],
            )
        except services.PracticeWeekError as exc:
            field = "given_on" if exc.field == "given_at" else exc.field
            form.add_error(field if field in form.fields else None, str(exc))
        else:
            messages.success(request, "The family's consent has been recorded.")
            return redirect("practiceweeks:visit_detail", pk=visit.pk)
    return render(
        request,
        "practiceweeks/consent.html",
        {
            "visit": visit,
            "form": form,
            "consents": visit.consents.select_related("recorded_by"),
            "started": timezone.now() >= visit.starts_at,
        },
        status=400 if request.method == "POST" else 200,
    )


# -- observations ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def observation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessor writes the observation of a visit (pk is the visit's)."""
    selectors.require_view(request.user)
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
    initial = {**services.findings_text(observation), "version": 0}
    if observation is not None:
        initial.update({f: getattr(observation, f) for f in services.OBSERVATION_TEXT_FIELDS})
        initial["version"] = observation.version
    form = ObservationForm(request.POST or None, initial=initial)
    found_names: list[dict] = []
    conflict = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            found = names.names_in(form.texts(), _allowed_words())
            if found and not data["names_checked"]:
                status = 200
                found_names = [
                    {"field": form[name], "label": _field_label(form, name), "words": words}
                    for name, words in found.items()
                ]
            else:
                try:
                    saved = services.observation_save(
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
                except services.EditConflict as exc:
                    status = 409
                    conflict = str(exc)
                    current = Observation.objects.get(visit=visit)
                    post = request.POST.copy()
                    post["version"] = current.version
                    post.pop("names_checked", None)
                    form = ObservationForm(post)
                    form.is_valid()
                except services.PracticeWeekError as exc:
                    _form_error(form, exc)
                else:
                    if "check" in request.POST:
                        return redirect("practiceweeks:observation_submit", pk=saved.pk)
                    messages.success(request, "Your observation has been saved as a draft.")
                    return redirect("practiceweeks:observation_edit", pk=visit.pk)
    return render(
        request,
        "practiceweeks/observation_form.html",
        {
            "visit": visit,
            "observation": observation,
            "form": form,
            "found_names": found_names,
            "conflict": conflict,
            "consent_ok": selectors.consent_in_time(visit),
        },
        status=status,
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
def observation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    observation = selectors.get_observation_for_user(request.user, pk)
    return render(
        request,
        "practiceweeks/observation_detail.html",
        _observation_context(request, observation),
    )


@require_http_methods(["GET", "POST"])
def observation_submit(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    observation = selectors.get_observation_for_user(request.user, pk)
    if not selectors.can_record(request.user, observation.visit):
        raise PermissionDenied("Only the visit's assessor submits its observation.")
    if observation.is_locked:
        messages.info(request, "This observation has already been submitted.")
        return redirect("practiceweeks:observation_detail", pk=observation.pk)
    form = VersionForm(request.POST or None, initial={"version": observation.version})
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.observation_submit(
                actor=request.user,
                observation=observation,
                expected_version=form.cleaned_data["version"],
            )
        except services.PracticeWeekError as exc:
            error = str(exc)
            observation.refresh_from_db()
            form = VersionForm(initial={"version": observation.version})
        else:
            messages.success(
                request, "Your observation has been submitted and is now locked. Thank you."
            )
            return redirect("practiceweeks:observation_detail", pk=observation.pk)
    context = _observation_context(request, observation)
    context.update({"form": form, "error": error})
    return render(
        request,
        "practiceweeks/observation_submit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
def observation_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    observation = selectors.get_observation_for_user(request.user, pk)
    if not selectors.can_reopen(request.user, observation):
        raise PermissionDenied("Only a quality assurance lead reopens a submitted observation.")
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopened = services.observation_reopen(
                actor=request.user, observation=observation, reason=form.cleaned_data["reason"]
            )
        except services.PracticeWeekError as exc:
            _form_error(form, exc)
        else:
            messages.success(
                request,
                f"Version {reopened.number} has been opened for the assessor to change. Version "
                f"{reopened.number - 1} stays as it was submitted.",
            )
            return redirect("practiceweeks:observation_detail", pk=observation.pk)
    return render(
        request,
        "practiceweeks/observation_reopen.html",
        {"observation": observation, "visit": observation.visit, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
def observation_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    selectors.require_view(request.user)
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
def observation_themes(request: HttpRequest, pk: int) -> HttpResponse:
    selectors.require_view(request.user)
    observation = selectors.get_observation_for_user(request.user, pk)
    if not selectors.can_tag(request.user, observation):
        raise PermissionDenied("Only the assessor or a quality assurance lead tags themes.")
    findings = list(observation.findings.order_by("heading", "kind", "order", "id"))
    order = {h.value: n for n, h in enumerate(Heading)}
    findings.sort(key=lambda f: (order[f.heading], f.kind != Kind.STRENGTH, f.order))
    form = TagForm(
        request.POST or None, findings=findings, initial={"version": observation.version}
    )
    error = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.observation_tag(
                    actor=request.user,
                    observation=observation,
                    expected_version=form.cleaned_data["version"],
                    tags=form.tags(),
                )
            except services.EditConflict as exc:
                status = 409
                error = str(exc)
                observation.refresh_from_db()
                data = request.POST.copy()
                data["version"] = observation.version
                form = TagForm(data, findings=findings)
                form.is_valid()
            except services.PracticeWeekError as exc:
                error = str(exc)
            else:
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
            "error": error,
        },
        status=status,
    )


# -- analysis and report -----------------------------------------------------------------------


def _analysed_week(request: HttpRequest, pk: int):
    selectors.require_view(request.user)
    selectors.require_whole_week(request.user)
    week = selectors.get_week_for_user(request.user, pk)
    result = week_analysis.week_analysis(week)
    previous = selectors.previous_week(request.user, week)
    comparison = (
        week_analysis.compare(result, week_analysis.week_analysis(previous)) if previous else None
    )
    return week, result, comparison


@require_GET
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
            "can_manage": selectors.may_manage(request.user),
        },
    )


def _report(request: HttpRequest, pk: int) -> tuple[PracticeWeek, documents.Report]:
    week, result, comparison = _analysed_week(request, pk)
    actions = action_selectors.actions_for_source(
        request.user, SourceType.PRACTICE_WEEK, week.pk
    ).select_related("owner", "team")
    return week, reports.week_report(result=result, comparison=comparison, actions=actions)


@require_GET
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
            "can_manage": selectors.may_manage(request.user),
        },
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _stem(week: PracticeWeek) -> str:
    return f"practice-week-{slugify(week.title) or week.pk}"


@require_GET
def report_docx(request: HttpRequest, pk: int) -> HttpResponse:
    week, built = _report(request, pk)
    return _download(
        documents.render_docx(built),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        f"{_stem(week)}.docx",
    )


@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    week, built = _report(request, pk)
    return _download(documents.render_pdf(built), "application/pdf", f"{_stem(week)}.pdf")
