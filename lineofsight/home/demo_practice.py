"""Audits, supervision and safeguarding concerns for the demonstration council (DEMO ONLY).

Called by demo_records.demo_records_create once the demo users exist: each function does, through
the services, what the council's people would have done by now, so that every daily journey can
be walked on a fresh `make demo`. Each returns a line for each thing it made, and makes nothing
if it has made it before.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from lineofsight.accounts.models import Role, Team, User
from lineofsight.actions.models import Priority
from lineofsight.audits import services as audit_services
from lineofsight.audits.grades import Grade, Impact
from lineofsight.audits.models import (
    Audit,
    AuditProgramme,
    AuditStatus,
    AuditToolVersion,
    Moderation,
    SampleMode,
)
from lineofsight.concerns import services as concern_services
from lineofsight.concerns.models import Concern
from lineofsight.supervision import one_to_one_services
from lineofsight.supervision import services as supervision_services
from lineofsight.supervision.models import OneToOne, Session
from lineofsight.worklists import casedata
from lineofsight.worklists.selectors import NO_CASEWORK, reading, team_scope

PROGRAMME_NAME = "Golden threads audit (demonstration)"
TOOL_KEY = "golden-threads"
# A fixed seed, so the demonstration draws the same sample on every machine.
SAMPLE_SEED = 20250331
MODERATION_SEED = 7

# (grade, impact, overall rationale), in the order the audits are submitted.
SUBMISSIONS: tuple[tuple[int, str, str], ...] = (
    (
        Grade.REQUIRES_IMPROVEMENT,
        Impact.SOME,
        "The child is safe and seen, but the plan has not been reviewed since the family moved.",
    ),
    (
        Grade.INADEQUATE,
        Impact.NONE,
        "Risks from the new partner are not assessed and the plan has drifted for months.",
    ),
    (
        Grade.REQUIRES_IMPROVEMENT,
        Impact.SOME,
        "Visits are on time but the child's own words are missing from the record.",
    ),
    (
        Grade.OUTSTANDING,
        Impact.POSITIVE,
        "Every strand is strong and connected; the difference for the child is plain.",
    ),
    (
        Grade.GOOD,
        Impact.POSITIVE,
        "A current assessment leads to a plan that is working; the child's views shape it.",
    ),
    (
        Grade.GOOD,
        Impact.POSITIVE,
        "Oversight is regular and recorded with reasons; gaps are minor.",
    ),
    (
        Grade.GOOD,
        Impact.SOME,
        "The plan is clear and parents know what it asks; the chronology is out of date.",
    ),
)
ANSWER_FOR_GRADE = {
    Grade.OUTSTANDING: "yes",
    Grade.GOOD: "yes",
    Grade.REQUIRES_IMPROVEMENT: "partly",
    Grade.INADEQUATE: "no",
}


def _team_cases(manager: User, team: Team) -> list[casedata.CaseRow]:
    """The team's open cases as its manager sees them, children with flags first."""
    try:
        with reading() as reader:
            rows = casedata.case_rows(reader.con, team_scope(manager, team), cache_key=reader.key)
    except NO_CASEWORK:
        return []
    return sorted(rows, key=lambda r: (not r.flags, r.person_id))


def _answers(tool: AuditToolVersion, grade: int) -> tuple[dict, dict]:
    value = ANSWER_FOR_GRADE[grade]
    answers, sections = {}, {}
    for section in tool.sections.prefetch_related("questions"):
        for question in section.questions.all():
            answers[question.pk] = audit_services.AnswerInput(
                value=value,
                evidence=f"Seen in the file: case notes and the latest plan ({section.title}).",
            )
        sections[section.pk] = audit_services.SectionInput(
            grade=grade, note=f"{section.title}: as the answers show."
        )
    return answers, sections


def _submit(audit: Audit, grade: int, impact: str, rationale: str, *, submit: bool = True):
    tool = audit.programme.tool_version
    answers, sections = _answers(tool, grade)
    return audit_services.audit_save(
        actor=audit.auditor,
        audit=audit,
        token=audit_services.edit_token(audit_services.current_version(audit)),
        answers=answers,
        sections=sections,
        overall_grade=grade,
        overall_rationale=rationale,
        impact=impact,
        impact_rationale="What the child and family say, and what has changed for the child.",
        submit=submit,
    )


def _to_submit(audits: list[Audit], first: Audit | None, team: Team, how_many: int) -> list[Audit]:
    """`first` (the practitioner's case) and the other files of the demo team (so its managers
    have concerns and findings to act on), then audits taken in turn from each auditor, so that
    every auditor has submitted work and each quality assurance lead has some to moderate."""
    allocated = [a for a in audits if a.auditor_id]
    chosen = [first] if first is not None and first.auditor_id else []
    chosen += [a for a in allocated if a.team_id == team.pk and a not in chosen][:2]
    by_auditor: dict[int, list[Audit]] = {}
    for audit in allocated:
        if audit not in chosen:
            by_auditor.setdefault(audit.auditor_id, []).append(audit)
    while len(chosen) < how_many and any(by_auditor.values()):
        for queue in by_auditor.values():
            if queue and len(chosen) < how_many:
                chosen.append(queue.pop(0))
    return chosen


def audits_create(
    *, qa: User, second_qa: User, manager: User, practitioner: User, team: Team
) -> list[str]:
    """An audit programme part way through: the sample drawn and allocated, a file from the demo
    practitioner's caseload added by hand, some audits submitted (one of them the
    practitioner's, awaiting their response), one in progress for the team manager, moderation
    drawn, some moderated and agreed, one awaiting the second QA lead's blind grade, and an
    improvement action from the practitioner's audit."""
    if AuditProgramme.objects.filter(name=PROGRAMME_NAME).exists():
        return []
    tool = (
        AuditToolVersion.objects.filter(tool__key=TOOL_KEY, is_active=True)
        .order_by("-version")
        .first()
    )
    if tool is None:
        return []
    today = timezone.localdate()
    made: list[str] = []
    programme = audit_services.programme_create(
        actor=qa,
        name=PROGRAMME_NAME,
        period_start=today - datetime.timedelta(days=28),
        period_end=today + datetime.timedelta(days=62),
        tool_version=tool,
        sample_mode=SampleMode.COUNT,
        sample_count=2,
    )
    result = audit_services.programme_draw_sample(actor=qa, programme=programme, seed=SAMPLE_SEED)
    made.append(f"audit programme {programme.name!r} with {result.drawn} files drawn")

    own = next(
        (r for r in _team_cases(manager, team) if r.worker_id == practitioner.professional_id),
        None,
    )
    first = None
    if (
        own is not None
        and not Audit.objects.filter(programme=programme, person_id=own.person_id).exists()
    ):
        first = audit_services.programme_add_file(
            actor=qa,
            programme=programme,
            person_id=own.person_id,
            reason="Brought by the team manager after supervision: the plan needs a fresh look",
        )
    elif own is not None:
        first = Audit.objects.get(programme=programme, person_id=own.person_id)

    audits = list(
        Audit.objects.filter(programme=programme)
        .select_related("programme__tool_version", "auditor", "team")
        .order_by("pk")
    )
    chosen = _to_submit(audits, first, team, len(SUBMISSIONS))
    for audit, (grade, impact, rationale) in zip(chosen, SUBMISSIONS, strict=False):
        _submit(audit, grade, impact, rationale)
    made.append(f"{len(chosen)} audits submitted")
    draft = next(
        (
            a
            for a in audits
            if a.auditor_id == manager.pk and a not in chosen and a.auditor_id is not None
        ),
        None,
    )
    if draft is not None:
        _submit(
            draft,
            Grade.GOOD,
            Impact.SOME,
            "Started: the plan section is still to do.",
            submit=False,
        )
        made.append("an audit in progress for the team manager")

    if first is not None and first in chosen:
        first.refresh_from_db()
        audit_services.audit_action_create(
            actor=first.auditor,
            audit=first,
            issue="The plan has not been reviewed since the family moved house",
            action="Review the plan with the family and the school within four weeks",
            owner=practitioner,
            due_date=today + datetime.timedelta(days=28),
            priority=Priority.HIGH,
            risk_if_not_done="Help stays aimed at needs the family no longer has",
        )
        made.append("an improvement action from an audit")

    if chosen:
        programme = audit_services.programme_set_moderation_rate(
            actor=qa, programme=programme, rate=50
        )
        audit_services.moderation_draw(actor=qa, programme=programme, seed=MODERATION_SEED)
        made += _moderate(qa=qa, second_qa=second_qa, programme=programme)
    return made


def _moderate(*, qa: User, second_qa: User, programme: AuditProgramme) -> list[str]:
    """Each moderator grades blind and agrees the grade with the auditor, except for one audit
    left awaiting the second quality assurance lead's blind grade."""
    moderations = list(
        Moderation.objects.filter(draw__programme=programme, moderator__isnull=False)
        .select_related("audit__programme__tool_version", "moderator")
        .order_by("pk")
    )
    waiting = next((m for m in moderations if m.moderator_id == second_qa.pk), None)
    agreed = 0
    for moderation in moderations:
        if moderation == waiting:
            continue
        grade = moderation.auditor_grade or Grade.GOOD
        # The moderator sees one audit a grade lower than its auditor did, and they agree.
        differs = agreed == 1 and grade > Grade.INADEQUATE
        own_grade = grade - 1 if differs else grade
        sections = moderation.audit.programme.tool_version.sections.values_list("pk", flat=True)
        audit_services.moderation_grade(
            actor=moderation.moderator,
            moderation=moderation,
            section_grades=dict.fromkeys(sections, own_grade),
            grade=own_grade,
            rationale="Read the file without seeing the auditor's grades.",
        )
        audit_services.moderation_agree(
            actor=moderation.moderator,
            moderation=moderation,
            grade=own_grade,
            rationale="Discussed with the auditor: the evidence supports this grade."
            if differs
            else "The auditor and moderator gave the same grade.",
        )
        agreed += 1
    lines = [f"{agreed} audits moderated and agreed"]
    if waiting is not None:
        lines.append(f"an audit awaiting {second_qa.full_name}'s blind moderation")
    return lines


def supervision_create(*, manager: User, practitioner: User, team: Team) -> list[str]:
    """A group supervision session held a fortnight ago with cases discussed (and an action
    agreed), and the next one, next week, with children already nominated."""
    if Session.objects.filter(team=team).exists():
        return []
    rows = _team_cases(manager, team)
    if len(rows) < 5:
        return []
    today = timezone.localdate()
    people = [manager, practitioner]
    held = supervision_services.session_create(
        actor=manager,
        team=team,
        held_on=today - datetime.timedelta(days=14),
        facilitator=manager,
        attendees=people,
    )
    own = [r for r in rows if r.worker_id == practitioner.professional_id]
    discussed_rows = (own[:1] + [r for r in rows if r not in own[:1]])[:3]
    nomination = supervision_services.session_cases_nominate(
        actor=manager, session=held, person_ids=[r.person_id for r in discussed_rows]
    )
    for n, case in enumerate(nomination.added[:2]):
        saved = supervision_services.session_case_record(
            actor=manager,
            case=case,
            expected_version=case.version,
            through_the_eyes_of_the_child="Three moves of school this year; nobody has asked "
            "what the child thinks about the next one.",
            hypotheses="The family avoids meetings because they expect to be judged.",
            working_well="Visits are regular and the child trusts the worker.",
            worried_about="The plan has not changed although the situation has.",
            needs_to_happen="Visit with the school's designated teacher; review the plan.",
            decisions="Review the plan at the next core group.",
            look_again_on=today + datetime.timedelta(days=28 + 14 * n),
        )
        if n == 0:
            supervision_services.session_case_action_create(
                actor=manager,
                case=saved,
                issue="The child's wishes about school are not recorded",
                action="Direct work session on school; write it up in the child's words",
                owner=practitioner if case.person_id in {r.person_id for r in own} else manager,
                due_date=today + datetime.timedelta(days=21),
            )
    upcoming = supervision_services.session_create(
        actor=manager,
        team=team,
        held_on=today + datetime.timedelta(days=7),
        facilitator=manager,
        attendees=people,
    )
    chosen = {r.person_id for r in discussed_rows}
    supervision_services.session_cases_nominate(
        actor=manager,
        session=upcoming,
        person_ids=[r.person_id for r in rows if r.person_id not in chosen][:2],
    )
    return [
        f"a group supervision session held with {len(nomination.added)} cases "
        "(2 discussed, 1 action)",
        "a group supervision session next week with 2 children nominated",
    ]


CONCERNS: tuple[tuple[str, int], ...] = (
    # (what the auditor saw, how many days ago it was raised)
    ("The file mentions a new partner in the home; no checks or assessment are recorded.", 0),
    ("Bruising was noted at school last month and no strategy discussion is recorded.", 6),
    ("The child has not been seen alone on the last three visits.", 3),
)


def concerns_create(*, qa: User, manager: User, team: Team) -> list[str]:
    """Safeguarding concerns raised by the auditors of the demo team's files: one open with the
    team manager, one escalated to the service manager when its deadline passed, and one the
    team manager has answered."""
    if Concern.objects.filter(description__in=[text for text, _ in CONCERNS]).exists():
        return []
    audits = list(
        Audit.objects.filter(programme__name=PROGRAMME_NAME, team=team)
        .exclude(status=AuditStatus.NOT_STARTED)
        .select_related("auditor")
        .order_by("pk")
    )
    if not audits:
        return []
    now = timezone.now()
    made = []
    for n, (text, days_ago) in enumerate(CONCERNS):
        audit = audits[n % len(audits)]
        concern = concern_services.concern_raise(
            actor=audit.auditor or qa,
            source_type="audit",
            source_id=str(audit.pk),
            description=text,
            now=now - datetime.timedelta(days=days_ago),
        )
        if n == 1:
            concern_services.concern_escalate(concern=concern, now=now)
            made.append("a safeguarding concern escalated past its deadline")
        elif n == 2:
            concern_services.concern_respond(
                actor=manager,
                concern=concern,
                response="Seen alone at home and at school this week; she said she feels safe. "
                "Visits alone are now in the plan.",
                now=now - datetime.timedelta(days=2),
            )
            made.append("a safeguarding concern answered")
        else:
            made.append("an open safeguarding concern")
    return made


# Days ago each of the team's practitioners was last supervised one to one: most on time, the
# last overdue, so the team manager's home page and the team's supervision page have both.
ONE_TO_ONE_DAYS_AGO = (3, 12, 24, 40)


def one_to_ones_create(*, manager: User, team: Team) -> list[str]:
    """One-to-one supervision of each practitioner in the team manager's team: a month ago and
    again lately (the last of them overdue), nothing when the team already has some."""
    if OneToOne.objects.filter(team=team).exists():
        return []
    today = timezone.localdate()
    workers = list(
        User.objects.filter(memberships__team=team, role=Role.PRACTITIONER, is_active=True)
        .order_by("full_name")
        .distinct()
    )
    made = 0
    for worker, days in zip(workers, ONE_TO_ONE_DAYS_AGO, strict=False):
        for held in (
            today - datetime.timedelta(days=days + 28),
            today - datetime.timedelta(days=days),
        ):
            one_to_one_services.one_to_one_record(
                actor=manager,
                team=team,
                held_on=held,
                supervisor=manager,
                supervisee=worker,
                reflection="What is getting in the way of seeing the children alone, and what "
                "would help.",
                actions_agreed="Book time alone with each child before the next review",
            )
            made += 1
    return [f"{made} one-to-one supervisions in {team.name}"] if made else []
