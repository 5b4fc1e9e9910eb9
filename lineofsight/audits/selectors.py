"""Reads of audits, scoped by the requesting user, and the access helpers.

Who sees an audit:
- its auditor, and its moderator;
- the practitioner who holds the case (by professional id), once it has been submitted;
- team and service managers, for files in their teams;
- the quality assurance lead: every audit.
Anyone else gets 404. Only the auditor and the quality assurance lead see a draft's content;
others see the latest submitted version. A moderator who has not yet graded never sees the
auditor's grades or answers, on any page, list, report or export, nor are they counted in the
figures that moderator sees: the one rule is `answers_hidden_from` (used by `grades_hidden_for`,
`version_content_for`, `audits_counted_for` and, outside this app, by themes and the indicators'
list of children behind the audit figures).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.actions import selectors as action_selectors
from lineofsight.web.panels import Panel, PanelItem

from .grades import grade_label
from .models import (
    Answer,
    Audit,
    AuditProgramme,
    AuditStatus,
    AuditToolVersion,
    AuditVersion,
    Moderation,
    ModerationStatus,
    PractitionerResponse,
    SectionGrade,
    ToolQuestion,
    ToolSection,
)

VIEW_REPORTS = policy.Capability.VIEW_AUDIT_REPORTS
MANAGE = policy.Capability.MANAGE_AUDIT_PROGRAMMES


def sees_all(user: User) -> bool:
    return policy.can(user, MANAGE)


def _is_manager(user: User) -> bool:
    return policy.scope_for(user) in (policy.Scope.OWN_TEAM, policy.Scope.OWN_SERVICE)


# -- tools -------------------------------------------------------------------------------------


def tool_versions() -> QuerySet[AuditToolVersion]:
    """Tool versions are configuration, not anyone's record: every signed-in user may read."""
    return AuditToolVersion.objects.select_related("tool").order_by("tool__name", "-version")


def get_tool_version(pk: int) -> AuditToolVersion:
    return get_object_or_404(tool_versions(), pk=pk)


def tool_structure(tool: AuditToolVersion) -> list[ToolSection]:
    """Sections with their questions, in order, in two queries."""
    return list(
        tool.sections.order_by("order").prefetch_related(
            Prefetch("questions", queryset=ToolQuestion.objects.order_by("order"))
        )
    )


# -- programmes --------------------------------------------------------------------------------


def require_programme_access(user: User) -> None:
    if not (policy.can(user, MANAGE) or policy.can(user, VIEW_REPORTS)):
        policy.require(user, VIEW_REPORTS)


def programmes_for(user: User) -> QuerySet[AuditProgramme]:
    require_programme_access(user)
    return AuditProgramme.objects.select_related("tool_version", "created_by").order_by(
        "-period_start", "-id"
    )


def programme_rows_for(user: User) -> QuerySet[AuditProgramme]:
    """Programmes with how many files, submitted and overdue audits each has, counting only
    the audits in this user's scope (their teams' for team and service managers)."""
    scope = Q()
    if not (sees_all(user) or policy.scope_for(user) is policy.Scope.EVERYTHING):
        scope = Q(audits__team__in=policy.visible_teams(user))
    return programmes_for(user).annotate(
        files=Count("audits", filter=scope),
        submitted=Count("audits", filter=scope & Q(audits__status=AuditStatus.SUBMITTED)),
        overdue=Count(
            "audits",
            filter=scope
            & Q(audits__due_date__lt=timezone.localdate())
            & ~Q(audits__status=AuditStatus.SUBMITTED),
        ),
    )


def get_programme_for_user(user: User, pk: int) -> AuditProgramme:
    return get_object_or_404(programmes_for(user), pk=pk)


def report_audits(user: User, programme: AuditProgramme) -> QuerySet[Audit]:
    """The audits a programme report counts for this user: all, or their teams' only, never
    those whose grades are hidden from them (see `answers_hidden_from`)."""
    return audits_counted_for(user).filter(programme=programme)


# -- blind moderation: the one rule ------------------------------------------------------------


def answers_hidden_from(user: User) -> QuerySet[Audit]:
    """The audits whose auditor's grades and answers this user may not see yet: those they
    moderate and have not yet graded themselves. Every page, list, report, export and count
    that shows or counts an auditor's grades or answers leaves these out (or hides them) for
    this user; once the moderator submits their own grade, the audit drops out of this set."""
    if not getattr(user, "is_authenticated", False):
        return Audit.objects.none()
    return Audit.objects.filter(
        moderation__moderator=user, moderation__status=ModerationStatus.AWAITING
    )


def audits_counted_for(user: User) -> QuerySet[Audit]:
    """The audits whose grades and answers count in the figures this user sees (programme
    reports and their downloads): every audit for roles that see everything, otherwise
    the audits of the teams they can see; never the audits hidden from them while they
    moderate blind."""
    audits = Audit.objects.all()
    if not (
        getattr(user, "is_authenticated", False)
        and (sees_all(user) or policy.scope_for(user) is policy.Scope.EVERYTHING)
    ):
        audits = audits.filter(team__in=policy.visible_teams(user))
    return audits.exclude(pk__in=answers_hidden_from(user).values("pk"))


def audits_with_answers_visible_to(user: User) -> QuerySet[Audit]:
    """The audits this user may open whose auditor's answers they may also read: for lists
    that link to audits by what was answered (e.g. a theme's concerning answers)."""
    return audits_visible_to(user).exclude(pk__in=answers_hidden_from(user).values("pk"))


# -- audits ------------------------------------------------------------------------------------


def audits_visible_to(user: User) -> QuerySet[Audit]:
    audits = Audit.objects.select_related("programme", "team", "auditor")
    if not user.is_authenticated or not user.is_active:
        return audits.none()
    if sees_all(user):
        return audits.all()
    if policy.scope_for(user) is policy.Scope.CONFIGURATION:
        return audits.none()
    mine = Q(auditor=user) | Q(moderation__moderator=user)
    if user.professional_id:
        mine |= Q(worker_id=user.professional_id, first_submitted_at__isnull=False)
    if _is_manager(user):
        mine |= Q(team__in=policy.visible_teams(user))
    # A subquery, not distinct(): the joins above would repeat rows.
    return audits.filter(pk__in=Audit.objects.filter(mine).values("pk"))


def get_audit_for_user(user: User, pk: int) -> Audit:
    """The audit, or 404 if it does not exist or the user may not see it."""
    return get_object_or_404(
        audits_visible_to(user).select_related("programme__tool_version"), pk=pk
    )


def is_auditor(user: User, audit: Audit) -> bool:
    return audit.auditor_id == user.pk


def can_edit(user: User, audit: Audit) -> bool:
    return (
        audit.status != AuditStatus.SUBMITTED
        and (is_auditor(user, audit) or sees_all(user))
        and not grades_hidden_for(user, audit)
    )


def can_reopen(user: User, audit: Audit) -> bool:
    return (
        audit.status == AuditStatus.SUBMITTED
        and (is_auditor(user, audit) or sees_all(user))
        and not grades_hidden_for(user, audit)
    )


def _moderation(audit: Audit) -> Moderation | None:
    try:
        return audit.moderation
    except Moderation.DoesNotExist:
        return None


def can_raise_concern(user: User, audit: Audit) -> bool:
    moderation = _moderation(audit)
    return (
        is_auditor(user, audit)
        or sees_all(user)
        or (moderation is not None and moderation.moderator_id == user.pk)
    )


def can_add_action(user: User, audit: Audit) -> bool:
    if can_raise_concern(user, audit):
        return True
    return _is_manager(user) and (
        audit.team_id is not None and policy.visible_teams(user).filter(pk=audit.team_id).exists()
    )


def grades_hidden_for(user: User, audit: Audit) -> bool:
    """True while this user is the audit's moderator and has not submitted their own grade:
    the auditor's grades, answers, evidence and reasons are hidden from them on every page."""
    return answers_hidden_from(user).filter(pk=audit.pk).exists()


def shown_version(user: User, audit: Audit) -> AuditVersion | None:
    """The version this user sees: the working version for the auditor and QA, otherwise the
    latest submitted one (None while nothing has been submitted)."""
    versions = AuditVersion.objects.select_related("submitted_by", "last_saved_by")
    if is_auditor(user, audit) or sees_all(user):
        version = versions.filter(audit=audit, number=audit.current_version).first()
        # Not yet written: nobody has saved anything (services.current_version).
        return version or AuditVersion(audit=audit, number=audit.current_version)
    return versions.filter(audit=audit, is_current_submission=True).first()


def audit_versions(audit: Audit) -> list[AuditVersion]:
    return list(
        AuditVersion.objects.filter(audit=audit)
        .select_related("submitted_by", "created_by")
        .order_by("number")
    )


def get_version_for_user(user: User, audit: Audit, number: int) -> AuditVersion:
    """A past version: submitted versions for anyone who can see the audit; drafts only for
    the auditor and the quality assurance lead."""
    version = AuditVersion.objects.filter(audit=audit, number=number).first()
    if version is None:
        raise Http404("No such version")
    if not version.is_locked and not (is_auditor(user, audit) or sees_all(user)):
        raise Http404("No such version")
    return version


@dataclass
class QuestionRow:
    question: ToolQuestion
    answer: Answer | None


@dataclass
class SectionRow:
    section: ToolSection
    grade: SectionGrade | None
    questions: list[QuestionRow] = field(default_factory=list)


def version_content(version: AuditVersion) -> list[SectionRow]:
    """The tool's sections and questions with this version's answers and grades."""
    tool = version.audit.programme.tool_version
    answers = {a.question_id: a for a in version.answers.all()} if version.pk else {}
    grades = {g.section_id: g for g in version.section_grades.all()} if version.pk else {}
    rows = []
    for section in tool_structure(tool):
        row = SectionRow(section=section, grade=grades.get(section.pk))
        row.questions = [QuestionRow(q, answers.get(q.pk)) for q in section.questions.all()]
        rows.append(row)
    return rows


def version_content_for(user: User, version: AuditVersion) -> list[SectionRow]:
    """`version_content` as this user may see it: the questions only, without the auditor's
    answers, evidence or grades, while the auditor's work is hidden from them."""
    rows = version_content(version)
    if grades_hidden_for(user, version.audit):
        for row in rows:
            row.grade = None
            row.questions = [QuestionRow(q.question, None) for q in row.questions]
    return rows


def practitioner_response(audit: Audit) -> PractitionerResponse | None:
    return PractitionerResponse.objects.filter(audit=audit).select_related("practitioner").first()


def can_respond(user: User, audit: Audit) -> bool:
    """The practitioner who holds the case, once the audit has been submitted."""
    if audit.first_submitted_at is None:
        return False
    response = practitioner_response(audit)
    if response is not None:
        return response.practitioner_id == user.pk
    return bool(user.professional_id) and user.professional_id == audit.worker_id


# -- moderation --------------------------------------------------------------------------------


def get_moderation_for_user(user: User, pk: int) -> Moderation:
    moderation = (
        Moderation.objects.select_related(
            "audit__programme__tool_version", "audit__team", "moderator", "auditor"
        )
        .filter(pk=pk)
        .first()
    )
    if moderation is None or not (moderation.moderator_id == user.pk or sees_all(user)):
        raise Http404("No such moderation")
    return moderation


def programme_moderations(programme: AuditProgramme) -> QuerySet[Moderation]:
    return (
        Moderation.objects.filter(draw__programme=programme)
        .select_related("audit", "moderator", "auditor", "audit__team")
        .order_by("audit_id")
    )


# -- worklists ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditWork:
    to_do: list[Audit]
    submitted: list[Audit]
    moderations: list[Moderation]
    responses: list[PractitionerResponse]
    my_cases: list[Audit]
    area: list[Audit]


def audit_work(user: User, area_limit: int = 200) -> AuditWork:
    """Everything audit-related waiting for, or relevant to, this user."""
    base = Audit.objects.select_related("programme", "team")
    to_do = list(
        base.filter(auditor=user).exclude(status=AuditStatus.SUBMITTED).order_by("due_date")
    )
    submitted = list(
        base.filter(auditor=user, status=AuditStatus.SUBMITTED).order_by("-last_submitted_at")[:50]
    )
    moderations = list(
        Moderation.objects.filter(moderator=user)
        .exclude(status=ModerationStatus.AGREED)
        .select_related("audit", "audit__programme")
        .order_by("audit_id")
    )
    responses = list(
        PractitionerResponse.objects.filter(practitioner=user, responded_at__isnull=True)
        .select_related("audit", "audit__programme")
        .order_by("invited_at")
    )
    my_cases: list[Audit] = []
    if user.professional_id:
        my_cases = list(
            base.filter(worker_id=user.professional_id, first_submitted_at__isnull=False).order_by(
                "-last_submitted_at"
            )[:50]
        )
    area: list[Audit] = []
    if _is_manager(user) or sees_all(user):
        scoped = base.select_related("auditor")
        if not sees_all(user):
            scoped = scoped.filter(team__in=policy.visible_teams(user))
        area = list(scoped.order_by("status", "due_date", "id")[:area_limit])
    return AuditWork(to_do, submitted, moderations, responses, my_cases, area)


# -- the home page -----------------------------------------------------------------------------


PANEL_ITEMS = 5


def _due(day: datetime.date | None, today: datetime.date) -> dict[str, str]:
    """How a home-page line shows a due date: its detail, and a red tag once it has passed."""
    if day is None:
        return {}
    if day < today:
        return {
            "detail": f"Was due {day:%d/%m/%Y}",
            "tag": "Overdue",
            "tag_class": "govuk-tag--red",
        }
    return {"detail": f"Due {day:%d/%m/%Y}"}


def _audit_item(audit: Audit, url: str, **shown: str) -> PanelItem:
    """A home-page line about one audit: its reference and child, opening `url`."""
    return PanelItem(
        text=f"{audit.reference}: child {audit.person_id}",
        person_id=audit.person_id,
        url=url,
        **shown,
    )


def _listed(key: str, title: str, items: list[PanelItem], **more: str) -> list[Panel]:
    """A home-page panel of `items`; none at all when there are none."""
    if not items:
        return []
    return [Panel(key=key, title=title, items=tuple(items), **more)]


def _audit_panel(
    key: str,
    title: str,
    rows: Iterable[Moderation | PractitionerResponse],
    *,
    url: Callable[[Any], str],
    detail: Callable[[Any], str],
    **more: str,
) -> list[Panel]:
    """A home-page panel of the audits `rows` are about (moderations, invitations to respond)."""
    return _listed(
        key, title, [_audit_item(r.audit, url(r), detail=detail(r)) for r in rows], **more
    )


def home_panels(user: User) -> list[Panel]:
    """What needs this user's attention from audits and actions, for the home page. Empty
    panels are left out, so the list is empty for someone with nothing to do."""
    if not user.is_authenticated or policy.scope_for(user) is policy.Scope.CONFIGURATION:
        return []
    today = timezone.localdate()
    panels: list[Panel] = []

    # Safeguarding concerns have their own panel (lineofsight/concerns, web.panels).
    to_do = list(
        Audit.objects.filter(auditor=user)
        .exclude(status=AuditStatus.SUBMITTED)
        .order_by("due_date", "id")[:PANEL_ITEMS]
    )
    if to_do:
        overdue = (
            Audit.objects.filter(auditor=user, due_date__lt=today)
            .exclude(status=AuditStatus.SUBMITTED)
            .count()
        )
        panels += _listed(
            "audits",
            "Audits allocated to you",
            [
                _audit_item(
                    a,
                    reverse("audits:audit_detail", kwargs={"pk": a.pk}),
                    **_due(a.due_date, today),
                )
                for a in to_do
            ],
            summary=f"{overdue} overdue" if overdue else "",
            more_url=reverse("audits:my_audits"),
            more_text="All your audit work",
        )

    panels += _audit_panel(
        "moderation",
        "Audits to moderate",
        Moderation.objects.filter(moderator=user)
        .exclude(status=ModerationStatus.AGREED)
        .select_related("audit")
        .order_by("id")[:PANEL_ITEMS],
        url=lambda m: reverse("audits:moderation_detail", kwargs={"pk": m.pk}),
        detail=lambda m: m.get_status_display(),
        more_url=reverse("audits:my_audits"),
        more_text="All your audit work",
    )
    panels += _audit_panel(
        "responses",
        "Audits of your cases: your view is invited",
        PractitionerResponse.objects.filter(practitioner=user, responded_at__isnull=True)
        .select_related("audit")
        .order_by("invited_at")[:PANEL_ITEMS],
        url=lambda r: reverse("audits:audit_respond", kwargs={"pk": r.audit_id}),
        detail=lambda r: f"Invited {timezone.localtime(r.invited_at):%d/%m/%Y}",
    )

    if sees_all(user) or _is_manager(user):
        overdue_audits = Audit.objects.filter(due_date__lt=today).exclude(
            status=AuditStatus.SUBMITTED
        )
        if not sees_all(user):
            overdue_audits = overdue_audits.filter(team__in=policy.visible_teams(user))
        count = overdue_audits.count()
        if count:
            panels.append(
                Panel(
                    key="overdue_audits",
                    title="Overdue audits" + ("" if sees_all(user) else " in your area"),
                    items=(),
                    summary=f"{count} audit{'s' if count != 1 else ''} past their due date.",
                    more_url=reverse("audits:my_audits"),
                    more_text="See the audits",
                )
            )

    actions = list(action_selectors.my_open_actions(user)[:PANEL_ITEMS])
    if actions:
        counts = action_selectors.action_counts(action_selectors.my_open_actions(user), today)
        panels += _listed(
            "actions",
            "Your improvement actions",
            [
                PanelItem(
                    text=a.action[:80],
                    url=reverse("actions:detail", kwargs={"pk": a.pk}),
                    **_due(a.due_date, today),
                )
                for a in actions
            ],
            summary=f"{counts.open} open, {counts.overdue} overdue",
            more_url=reverse("actions:mine"),
            more_text="All your actions",
        )
    return panels


def eligible_auditors(roles: list[str]) -> QuerySet[User]:
    """Active, approved people in `roles`, only those whose role sees children's records: nobody
    else can read the file they would audit."""
    seeing = [r for r in roles if policy.role_can(r, policy.Capability.VIEW_CASEWORK)]
    return policy.with_approved_roles(User.objects.filter(is_active=True, role__in=seeing))


def auditor_choices(audit: Audit) -> QuerySet[User]:
    """People the QA lead could give this audit to (eligibility is checked on saving)."""
    return eligible_auditors(audit.programme.auditor_roles)


def grade_text(value: int | None) -> str:
    return grade_label(value)
