"""Every write to practice weeks. Keyword-only, in a transaction, with change history.

The views check who may see a record (selectors.get_*_for_user); these services refuse what is
wrong whoever asks: a visit to a team in the assessor's own service, an observed family meeting
without consent recorded before the visit, a change to a submitted observation, a save made over
someone else's newer one.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from typing import Required, TypedDict, Unpack

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Service, Team, User
from lineofsight.framework import vocabulary
from lineofsight.history.services import capture, history_for, record_change, record_creation
from lineofsight.web import errors as web_errors
from lineofsight.web.errors import ServiceError
from lineofsight.web.locking import version_take

from . import selectors
from .models import (
    ConsentMethod,
    FamilyConsent,
    Finding,
    Heading,
    Kind,
    Observation,
    ObservationStatus,
    ObservationVersion,
    PracticeWeek,
    Visit,
    WeekKind,
)

WEEK_FIELDS = (
    "kind",
    "rechecks",
    "title",
    "starts_on",
    "ends_on",
    "purpose",
    "reflection",
    "services",
    "teams",
)
VISIT_FIELDS = (
    "assessor",
    "team",
    "starts_at",
    "local_contact",
    "team_size",
    "team_context",
    "team_structure",
    "briefing",
    "observes_family",
    "family_activity",
)
OBSERVATION_TEXT_FIELDS = (
    "case_examples",
    "children_said",
    "parents_carers_said",
    "family_meeting_observed",
    "family_meeting_notes",
)


class PracticeWeekError(ServiceError):
    """Something the user asked for cannot be done; the message says why (and `field`, which
    form field it is about, when there is one)."""


class ObservationLocked(PracticeWeekError):
    """The observation has been submitted: a quality assurance lead must reopen it first."""


class ConsentMissing(PracticeWeekError):
    """An observed family meeting needs the family's consent recorded before the visit."""


class EditConflict(PracticeWeekError, web_errors.EditConflict):
    """Someone saved the record after this form was loaded; nothing has been saved."""

    def __init__(self, obj: models.Model, what: str) -> None:
        last = history_for(obj).first()
        who = last.actor if last and last.actor else None
        when = f" at {_plain_date(last.at)}" if last else ""
        super().__init__(
            f"{who.full_name if who else 'Someone else'} saved this {what}{when}, after you "
            "opened it. Your changes have not been saved: they are still in the form below. "
            "Check what is there now, then save again.",
            current=obj,
            saved_by=who,
        )


def _bump_version(model: type[models.Model], obj, expected_version: int, what: str) -> None:
    """Take the optimistic lock (refused with EditConflict if the row moved on)."""
    version_take(
        model,
        obj.pk,
        expected_version=expected_version,
        conflict=lambda now: EditConflict(now, what),
    )
    obj.version = expected_version + 1


def _plain_date(day: datetime.date | datetime.datetime) -> str:
    """ "14:30 on 3 March 2026", or "3 March 2026" for a date."""
    if isinstance(day, datetime.datetime):
        local = timezone.localtime(day)
        return f"{local:%H:%M} on {local.day} {local:%B %Y}"
    return f"{day.day} {day:%B %Y}"


def _many(values: Iterable[models.Model]) -> list[str]:
    return sorted(str(v) for v in values)


# -- weeks -------------------------------------------------------------------------------------


def _kind_name(kind: str) -> str:
    return str(WeekKind(kind).label).lower() if kind in WeekKind.values else "practice week"


def _check_week_dates(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if ends_on < starts_on:
        raise PracticeWeekError(
            "The last day must be the same as or after the first day.", field="ends_on"
        )


def _check_kind(
    *,
    kind: str,
    rechecks: PracticeWeek | None,
    starts_on: datetime.date,
    ends_on: datetime.date,
    week: PracticeWeek | None = None,
) -> PracticeWeek | None:
    """A focused practice day is one day and re-checks a practice week that ended before it; a
    practice week re-checks nothing. Returns what the record re-checks."""
    if kind not in WeekKind.values:
        raise PracticeWeekError(
            "Choose whether this is a practice week or a focused practice day.", field="kind"
        )
    if kind == WeekKind.PRACTICE_WEEK:
        return None
    if week is not None and week.focused_days.exists():
        raise PracticeWeekError(
            "Focused practice days re-check this practice week, so it stays a practice week.",
            field="kind",
        )
    if ends_on != starts_on:
        raise PracticeWeekError(
            "A focused practice day is one day: make the last day the same as the first day.",
            field="ends_on",
        )
    if rechecks is None:
        raise PracticeWeekError(
            "Choose the practice week this focused practice day re-checks.", field="rechecks"
        )
    if rechecks.kind != WeekKind.PRACTICE_WEEK or (week is not None and rechecks.pk == week.pk):
        raise PracticeWeekError(
            "A focused practice day re-checks a practice week: choose a practice week.",
            field="rechecks",
        )
    if rechecks.ends_on >= starts_on:
        raise PracticeWeekError(
            f"{rechecks.title} ends on {_plain_date(rechecks.ends_on)}. A focused practice day "
            "re-checks a practice week after it has ended: choose a later day or an earlier "
            "practice week.",
            field="starts_on",
        )
    return rechecks


def _week_state(week: PracticeWeek | None) -> dict:
    if week is None or week.pk is None:
        return dict.fromkeys(WEEK_FIELDS)
    state = capture(week, WEEK_FIELDS[:-2])
    state["services"] = _many(week.services.all())
    state["teams"] = _many(week.teams.all())
    return state


@transaction.atomic
def week_create(
    *,
    actor: User,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    purpose: str = "",
    services: Iterable[Service] = (),
    teams: Iterable[Team] = (),
    kind: WeekKind | str = WeekKind.PRACTICE_WEEK,
    rechecks: PracticeWeek | None = None,
) -> PracticeWeek:
    """Plan a practice week, or (kind FOCUSED_DAY) a focused practice day: one day that
    re-checks the improvement actions of the practice week `rechecks`."""
    selectors.require_manage(actor)
    if not title.strip():
        raise PracticeWeekError(f"Enter the title of the {_kind_name(kind)}.", field="title")
    _check_week_dates(starts_on, ends_on)
    rechecks = _check_kind(kind=kind, rechecks=rechecks, starts_on=starts_on, ends_on=ends_on)
    week = PracticeWeek.objects.create(
        kind=kind,
        rechecks=rechecks,
        title=title.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        purpose=purpose.strip(),
        created_by=actor,
    )
    week.services.set(list(services))
    week.teams.set(list(teams))
    record_change(
        actor=actor,
        action="week_create",
        obj=week,
        before=_week_state(None),
        after=_week_state(week),
    )
    return week


@transaction.atomic
def week_update(
    *,
    actor: User,
    week: PracticeWeek,
    expected_version: int,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    purpose: str,
    reflection: str,
    services: Iterable[Service],
    teams: Iterable[Team],
    kind: WeekKind | str | None = None,
    rechecks: PracticeWeek | None = None,
) -> PracticeWeek:
    """Change the week, including the reflection on the process written after it. `kind` left
    out keeps the week's kind; a focused practice day always names the week it re-checks."""
    selectors.require_manage(actor)
    kind = kind or week.kind
    if not title.strip():
        raise PracticeWeekError(f"Enter the title of the {_kind_name(kind)}.", field="title")
    _check_week_dates(starts_on, ends_on)
    rechecks = _check_kind(
        kind=kind, rechecks=rechecks, starts_on=starts_on, ends_on=ends_on, week=week
    )
    outside = [
        v
        for v in week.visits.all()
        if not starts_on <= timezone.localtime(v.starts_at).date() <= ends_on
    ]
    if outside:
        raise PracticeWeekError(
            f"The visit to {outside[0].team} on {_plain_date(outside[0].starts_at)} would fall "
            "outside the new dates. Move the visit first.",
            field="starts_on",
        )
    _bump_version(PracticeWeek, week, expected_version, "practice week")
    before = _week_state(week)
    week.kind, week.rechecks = kind, rechecks
    week.title, week.starts_on, week.ends_on = title.strip(), starts_on, ends_on
    week.purpose, week.reflection = purpose.strip(), reflection.strip()
    week.updated_by, week.updated_at = actor, timezone.now()
    week.save(
        update_fields=[
            "kind",
            "rechecks",
            "title",
            "starts_on",
            "ends_on",
            "purpose",
            "reflection",
            "updated_by",
            "updated_at",
        ]
    )
    week.services.set(list(services))
    week.teams.set(list(teams))
    record_change(
        actor=actor, action="week_update", obj=week, before=before, after=_week_state(week)
    )
    return week


# -- visits ------------------------------------------------------------------------------------


def own_service_ids(user: User) -> set[int]:
    """The services a user belongs to: the one they lead and those of their teams."""
    ids = {user.service_id} if user.service_id else set()
    ids |= set(user.memberships.values_list("team__service_id", flat=True))
    return ids


class VisitDetails(TypedDict, total=False):
    """A visit as it is planned. Left out: the team's size unknown, no family observed, and the
    texts empty."""

    assessor: Required[User]
    team: Required[Team]
    starts_at: Required[datetime.datetime]
    local_contact: Required[str]
    team_size: int | None
    team_context: str
    team_structure: str
    briefing: str
    observes_family: bool
    family_activity: str


def _visit_values(details: VisitDetails) -> dict:
    """The visit's fields as they are stored: texts without surrounding spaces."""
    values: dict = {"team_size": None, "observes_family": False}
    for name in VISIT_FIELDS:
        value = details.get(name, values.get(name, ""))
        values[name] = value.strip() if isinstance(value, str) else value
    return values


def _check_visit(week: PracticeWeek, values: dict) -> None:
    assessor, team, starts_at = values["assessor"], values["team"], values["starts_at"]
    if not policy.role_can(assessor.role, selectors.ASSESS) or not assessor.is_active:
        raise PracticeWeekError(
            f"{assessor.full_name} cannot be an assessor: choose a service manager, a senior "
            "leader or a quality assurance lead who can sign in.",
            field="assessor",
        )
    if team.service_id in own_service_ids(assessor):
        raise PracticeWeekError(
            f"{team.name} is in {team.service}, which is {assessor.full_name}'s own service. "
            "Assessors observe teams outside their own service: choose another team or another "
            "assessor.",
            field="team",
        )
    if not week.scope_teams().filter(pk=team.pk).exists():
        raise PracticeWeekError(
            f"{team.name} is not in the scope of this {_kind_name(week.kind)}. Add it, or its "
            f"service, to the {_kind_name(week.kind)} first.",
            field="team",
        )
    day = timezone.localtime(starts_at).date()
    if not week.starts_on <= day <= week.ends_on:
        raise PracticeWeekError(
            f"The visit must be on the focused practice day, {_plain_date(week.starts_on)}."
            if week.is_focused_day
            else f"The visit must fall within the week, {_plain_date(week.starts_on)} to "
            f"{_plain_date(week.ends_on)}.",
            field="starts_at",
        )
    if not values["local_contact"]:
        raise PracticeWeekError("Enter the local contact for the visit.", field="local_contact")


@transaction.atomic
def visit_create(*, actor: User, week: PracticeWeek, **details: Unpack[VisitDetails]) -> Visit:
    selectors.require_manage(actor)
    values = _visit_values(details)
    _check_visit(week, values)
    visit = Visit.objects.create(week=week, created_by=actor, **values)
    record_creation(actor=actor, action="visit_create", obj=visit, fields=VISIT_FIELDS)
    return visit


@transaction.atomic
def visit_update(
    *, actor: User, visit: Visit, expected_version: int, **details: Unpack[VisitDetails]
) -> Visit:
    """Change the planned visit; a field left out is stored empty, as visit_create would."""
    selectors.require_manage(actor)
    values = _visit_values(details)
    _check_visit(visit.week, values)
    assessor, team = values["assessor"], values["team"]
    started = Observation.objects.filter(visit=visit).exists()
    if started and (assessor.pk != visit.assessor_id or team.pk != visit.team_id):
        raise PracticeWeekError(
            "The assessor has started the observation of this visit, so its assessor and team "
            "can no longer change. Plan a new visit instead.",
            field="assessor" if assessor.pk != visit.assessor_id else "team",
        )
    if visit.consents.exists() and values["starts_at"] != visit.starts_at:
        raise PracticeWeekError(
            "A family's consent has been recorded for this visit at its planned time, so the "
            "time can no longer change. Plan a new visit instead.",
            field="starts_at",
        )
    _bump_version(Visit, visit, expected_version, "visit")
    before = capture(visit, VISIT_FIELDS)
    for name, value in values.items():
        setattr(visit, name, value)
    visit.save(update_fields=list(VISIT_FIELDS))
    record_change(actor=actor, action="visit_update", obj=visit, before=before)
    return visit


# -- consent -----------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    actor: User,
    visit: Visit,
    given_by: str,
    method: ConsentMethod | str,
    given_at: datetime.datetime,
    notes: str = "",
    now: datetime.datetime | None = None,
) -> FamilyConsent:
    """Record a family's consent to being observed. Only before the visit begins: consent
    written down afterwards does not allow the observation to be recorded."""
    if not selectors.can_record_consent(actor, visit):
        raise PermissionDenied("Only the assessor or a quality assurance lead records consent.")
    now = now or timezone.now()
    if not given_by.strip():
        raise PracticeWeekError(
            "Say who gave consent, for example the child's mother.", field="given_by"
        )
    if method not in ConsentMethod.values:
        raise PracticeWeekError("Choose how consent was given.", field="method")
    if now >= visit.starts_at:
        raise PracticeWeekError(
            f"The visit began at {_plain_date(visit.starts_at)}. Consent has to be recorded "
            "before the visit; a family meeting without it cannot be observed or written up.",
            field="given_on",
        )
    if given_at > now:
        raise PracticeWeekError(
            "The date consent was given cannot be in the future.", field="given_on"
        )
    consent = FamilyConsent.objects.create(
        visit=visit,
        given_by=given_by.strip(),
        method=method,
        given_at=given_at,
        notes=notes.strip(),
        recorded_by=actor,
        recorded_at=now,
    )
    fields = ("given_by", "method", "given_at", "notes")
    record_change(
        actor=actor,
        action="consent_record",
        obj=visit,
        before={f"consent_{f}": None for f in fields},
        after={f"consent_{f}": getattr(consent, f) for f in fields},
    )
    return consent


# -- observations ------------------------------------------------------------------------------


def finding_field(heading: str, kind: str) -> str:
    """The form field holding one heading's strengths or areas for development."""
    return f"{heading}__{kind}"


FINDING_FIELDS: tuple[tuple[str, str, str], ...] = tuple(
    (h.value, k.value, finding_field(h.value, k.value)) for h in Heading for k in Kind
)


def split_items(text: str) -> list[str]:
    """One item per line; bullets and numbers at the start of a line are dropped."""
    items = []
    for line in (text or "").splitlines():
        line = re.sub(r"^\s*(?:[-*\u2022]|\d+[.)])\s*", "", line).strip()
        if line:
            items.append(line)
    return items


def findings_text(observation: Observation | None) -> dict[str, str]:
    """{field: the items one per line} for the form and for change history."""
    out = {field: "" for _, _, field in FINDING_FIELDS}
    if observation is None or observation.pk is None:
        return out
    grouped: dict[str, list[str]] = {field: [] for field in out}
    for f in observation.findings.order_by("order", "id"):
        grouped[finding_field(f.heading, f.kind)].append(f.text)
    return {field: "\n".join(items) for field, items in grouped.items()}


def _sync_findings(observation: Observation, texts: Mapping[str, str]) -> None:
    """Rewrite the findings from the text, keeping the themes of items whose text is unchanged."""
    existing: dict[str, list[Finding]] = {field: [] for _, _, field in FINDING_FIELDS}
    for f in observation.findings.order_by("order", "id"):
        existing[finding_field(f.heading, f.kind)].append(f)
    for heading, kind, field in FINDING_FIELDS:
        unused = list(existing[field])
        for order, text in enumerate(split_items(texts.get(field, "")), start=1):
            same = next((f for f in unused if f.text == text), None)
            if same is not None:
                unused.remove(same)
                if same.order != order:
                    same.order = order
                    same.save(update_fields=["order"])
            else:
                Finding.objects.create(
                    observation=observation, heading=heading, kind=kind, order=order, text=text
                )
        Finding.objects.filter(pk__in=[f.pk for f in unused]).delete()


def _observation_state(observation: Observation | None) -> dict:
    state = findings_text(observation)
    if observation is None or observation.pk is None:
        state.update(dict.fromkeys(OBSERVATION_TEXT_FIELDS))
    else:
        state.update(capture(observation, OBSERVATION_TEXT_FIELDS))
    return state


def _require_assessor(actor: User, visit: Visit) -> None:
    if not selectors.can_record(actor, visit):
        raise PermissionDenied("Only the visit's assessor records its observation.")


def _require_consent(visit: Visit) -> None:
    if not selectors.consent_in_time(visit):
        raise ConsentMissing(
            "You cannot record that a meeting with the family was observed: no consent was "
            f"recorded before the visit began at {_plain_date(visit.starts_at)}. Untick it, and "
            "do not write up what was seen of the family.",
            field="family_meeting_observed",
        )


@transaction.atomic
def observation_save(
    *,
    actor: User,
    visit: Visit,
    expected_version: int,
    findings: Mapping[str, str],
    case_examples: str = "",
    children_said: str = "",
    parents_carers_said: str = "",
    family_meeting_observed: bool = False,
    family_meeting_notes: str = "",
    names_confirmed: Iterable[str] = (),
) -> Observation:
    """Save the assessor's draft. `findings` maps finding_field(heading, kind) to the items,
    one per line. `names_confirmed`: words the assessor confirmed are not children's names."""
    _require_assessor(actor, visit)
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    observation, created = Observation.objects.get_or_create(visit=visit)
    if observation.is_locked:
        raise ObservationLocked(
            "This observation has been submitted and is locked. A quality assurance lead can "
            "reopen it if it needs to change."
        )
    if family_meeting_observed:
        _require_consent(visit)
    _bump_version(Observation, observation, expected_version, "observation")
    before = _observation_state(None if created else observation)
    _sync_findings(observation, findings)
    observation.case_examples = case_examples.strip()
    observation.children_said = children_said.strip()
    observation.parents_carers_said = parents_carers_said.strip()
    observation.family_meeting_observed = family_meeting_observed
    observation.family_meeting_notes = (
        family_meeting_notes.strip() if family_meeting_observed else ""
    )
    observation.last_saved_by, observation.last_saved_at = actor, timezone.now()
    observation.save(update_fields=[*OBSERVATION_TEXT_FIELDS, "last_saved_by", "last_saved_at"])
    after = _observation_state(observation)
    confirmed = sorted(set(names_confirmed))
    if confirmed:
        before["names_confirmed_not_children"] = None
        after["names_confirmed_not_children"] = confirmed
    record_change(
        actor=actor, action="observation_save", obj=observation, before=before, after=after
    )
    return observation


def observation_content(observation: Observation) -> dict:
    """The observation as it stands, as plain data (what a submitted version freezes)."""
    return {
        "findings": [
            {"heading": f.heading, "kind": f.kind, "text": f.text, "themes": list(f.themes)}
            for f in observation.findings.order_by("heading", "kind", "order", "id")
        ],
        **{f: getattr(observation, f) for f in OBSERVATION_TEXT_FIELDS},
    }


@transaction.atomic
def observation_submit(
    *, actor: User, observation: Observation, expected_version: int
) -> Observation:
    """Lock the observation and keep a frozen copy of this version."""
    _require_assessor(actor, observation.visit)
    if observation.is_locked:
        raise ObservationLocked("This observation has already been submitted.")
    visit_day = timezone.localtime(observation.visit.starts_at).date()
    if timezone.localdate() < visit_day:
        raise PracticeWeekError(
            f"The visit is on {visit_day:%d/%m/%Y}. An observation can be submitted from the day "
            "of the visit: save it as a draft until then."
        )
    if not observation.findings.exists():
        raise PracticeWeekError(
            "Write at least one strength or area for development before submitting."
        )
    if observation.family_meeting_observed:
        _require_consent(observation.visit)
    _bump_version(Observation, observation, expected_version, "observation")
    now = timezone.now()
    ObservationVersion.objects.create(
        observation=observation,
        number=observation.number,
        content=observation_content(observation),
        reason_for_change=observation.reason_for_change,
        submitted_by=actor,
        submitted_at=now,
    )
    before = capture(observation, ("status", "number"))
    observation.status = ObservationStatus.SUBMITTED
    observation.submitted_by, observation.submitted_at = actor, now
    observation.save(update_fields=["status", "submitted_by", "submitted_at"])
    record_change(actor=actor, action="observation_submit", obj=observation, before=before)
    return observation


@transaction.atomic
def observation_reopen(*, actor: User, observation: Observation, reason: str) -> Observation:
    """Open the next version of a submitted observation; the submitted one stays as it was."""
    selectors.require_manage(actor)
    if not reason.strip():
        raise PracticeWeekError(
            "Say why the submitted observation needs to change.", field="reason"
        )
    locked = Observation.objects.select_for_update().get(pk=observation.pk)
    if not locked.is_locked:
        raise PracticeWeekError("This observation is still a draft: the assessor can change it.")
    before = {**capture(locked, ("status", "number")), "reason_for_change": None}
    Observation.objects.filter(pk=locked.pk).update(
        status=ObservationStatus.DRAFT,
        number=F("number") + 1,
        reason_for_change=reason.strip(),
        version=F("version") + 1,
    )
    locked.refresh_from_db()
    record_change(
        actor=actor,
        action="observation_reopen",
        obj=locked,
        before=before,
        after={**capture(locked, ("status", "number")), "reason_for_change": reason.strip()},
    )
    return locked


@transaction.atomic
def observation_tag(
    *,
    actor: User,
    observation: Observation,
    expected_version: int,
    tags: Mapping[int, Iterable[str]],
) -> Observation:
    """Set the practice themes of each finding ({finding pk: theme keys or free tags}).
    Tagging does not change what the assessor wrote, so a submitted observation may be tagged."""
    if not selectors.can_tag(actor, observation):
        raise PermissionDenied("Only the assessor or a quality assurance lead tags themes.")
    _bump_version(Observation, observation, expected_version, "observation")
    before: dict = {}
    after: dict = {}
    for finding in observation.findings.all():
        if finding.pk not in tags:
            continue
        keys: list[str] = []
        for tag in tags[finding.pk]:
            key = vocabulary.normalise_tag(tag)
            if key and key not in keys:
                keys.append(key)
        if keys != list(finding.themes):
            label = f"themes of '{finding.text[:60]}'"
            before[label], after[label] = list(finding.themes), keys
            finding.themes = keys
            finding.save(update_fields=["themes"])
    if before:
        record_change(
            actor=actor, action="observation_tag", obj=observation, before=before, after=after
        )
    return observation
