"""Triangulation: what every source says about one practice theme, scoped to the user.

Sources: case-file audit answers to the questions linked to the theme; practice-week
observations; feedback from children and families; the indicators linked to the theme; and the
improvement actions tagged with it. Sources whose app is not installed (or not yet built) are left
out with a note rather than failing the page.

Scope: everything gathered here is limited to the teams the user may see (`scope_teams`): a team
manager's own teams, a service manager's own service, everything for roles that see everything.
Practitioners and administrators do not use the page (403). Every count and figure is shown
through the one small-number rule (`lineofsight.web.figures`): 1 to 4 reads "fewer than 5".
"""

from __future__ import annotations

import datetime
import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.actions.models import CLOSED_STATUSES, ImprovementAction, RecheckResult
from lineofsight.actions.selectors import actions_visible_to
from lineofsight.audits.models import Answer
from lineofsight.audits.selectors import audits_counted_for, audits_with_answers_visible_to
from lineofsight.casework import store
from lineofsight.feedback import healthcheck_selectors
from lineofsight.feedback import selectors as feedback_selectors
from lineofsight.framework import vocabulary
from lineofsight.framework.evidence import Evidence, Leaning
from lineofsight.indicators import engine, presentation
from lineofsight.indicators.catalogue import catalogue
from lineofsight.practiceweeks.selectors import observations_for_theme
from lineofsight.web import figures

log = logging.getLogger(__name__)

KEY_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def sees_everything(user: User) -> bool:
    return policy.scope_for(user) is policy.Scope.EVERYTHING


def scope_teams(user: User) -> list[Team] | None:
    """The teams whose evidence this user's page gathers: None for roles that see everything
    (the whole council, including records with no team), otherwise the teams in their scope."""
    if sees_everything(user):
        return None
    return list(policy.visible_teams(user))


# -- audits ------------------------------------------------------------------------------------


def _norm(part: str) -> str:
    """Audit tool paths are compared ignoring the difference between '_' and '-'."""
    return part.strip().lower().replace("_", "-")


def covers_question(theme: vocabulary.Theme, tool: str, section: str, question: str) -> bool:
    if theme.covers_question(tool, section, question):
        return True
    t, s, q = _norm(tool), _norm(section), _norm(question)
    paths = {t, f"{t}.{s}", f"{t}.{s}.{q}"}
    return any(_norm(p) in paths for p in theme.audit_questions)


@dataclass
class AuditLink:
    reference: str
    url: str
    team_name: str


@dataclass
class AuditQuestionRow:
    tool: str
    section: str
    question: str
    yes: int = 0
    partly: int = 0
    no: int = 0
    not_applicable: int = 0
    concerning: list[AuditLink] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.yes + self.partly + self.no

    yes_text = figures.count_text_of("yes")
    partly_text = figures.count_text_of("partly")
    no_text = figures.count_text_of("no")
    not_applicable_text = figures.count_text_of("not_applicable")


def _bucket(value: str, scale: list[dict]) -> str:
    item = next((a for a in scale if a.get("value") == value), None)
    if item is not None and item.get("concern"):
        return "no"
    if item is not None and item.get("not_applicable"):
        return "not_applicable"
    if value == "yes" or (scale and scale[0].get("value") == value):
        return "yes"
    return "partly"


def _audits_counted(user: User):
    """The audits whose answers are counted for this user: everything for roles that see
    everything, otherwise the audits of the teams in their scope; never an audit whose first
    auditor's answers are hidden from the user while they moderate it blind. The rule is the
    audits app's (`audits_counted_for`), shared with programme reports."""
    return audits_counted_for(user)


def _answer_rows(
    user: User, *, submitted: tuple[datetime.date, datetime.date] | None = None
) -> list[dict]:
    """Answer counts by question and value; `submitted` (first day, last day) keeps only the
    audits whose counted version was submitted on those days."""
    answers = Answer.objects.filter(
        version__is_current_submission=True,
        version__audit__in=_audits_counted(user),
    )
    if submitted is not None:
        answers = answers.filter(version__submitted_at__date__range=submitted)
    return list(
        answers.exclude(value="")
        .values(
            "question_id",
            "question__key",
            "question__text",
            "question__section__key",
            "question__section__title",
            "question__section__tool_version__tool__key",
            "question__section__tool_version__tool__name",
            "question__section__tool_version__answer_scale",
            "value",
        )
        .annotate(n=Count("id"))
    )


def _row_path(row: dict) -> tuple[str, str, str]:
    return (
        row["question__section__tool_version__tool__key"],
        row["question__section__key"],
        row["question__key"],
    )


def audit_evidence(
    user: User,
    theme: vocabulary.Theme,
    *,
    submitted: tuple[datetime.date, datetime.date] | None = None,
    concerning: bool = True,
) -> list[AuditQuestionRow]:
    """Per audit question linked to the theme: how many submitted audits answered yes, partly,
    no (or not applicable), and links to the audits the user may open with a concerning answer.
    `submitted` (first day, last day) counts only audits submitted then; `concerning=False`
    leaves out the links (for counts alone)."""
    if not theme.audit_questions:
        return []
    rows: dict[tuple[str, str, str], AuditQuestionRow] = {}
    concern_ids: dict[tuple[str, str, str], list[tuple[int, str]]] = defaultdict(list)
    for row in _answer_rows(user, submitted=submitted):
        path = _row_path(row)
        if not covers_question(theme, *path):
            continue
        item = rows.setdefault(
            path,
            AuditQuestionRow(
                tool=row["question__section__tool_version__tool__name"],
                section=row["question__section__title"],
                question=row["question__text"],
            ),
        )
        scale = row["question__section__tool_version__answer_scale"] or []
        bucket = _bucket(row["value"], scale)
        setattr(item, bucket, getattr(item, bucket) + row["n"])
        if bucket == "no" and concerning:
            concern_ids[path].append((row["question_id"], row["value"]))
    if concern_ids:
        # Audits the user may open, read the answers of, and that are in their scope.
        visible = audits_with_answers_visible_to(user).filter(
            pk__in=_audits_counted(user).values("pk")
        )
        for path, pairs in concern_ids.items():
            answers = Answer.objects.filter(
                version__is_current_submission=True,
                version__audit__in=visible,
                question_id__in={q for q, _ in pairs},
                value__in={v for _, v in pairs},
            )
            if submitted is not None:
                answers = answers.filter(version__submitted_at__date__range=submitted)
            answers = answers.select_related("version__audit__team").order_by(
                "-version__audit__last_submitted_at"
            )[:20]
            for answer in answers:
                audit = answer.version.audit
                rows[path].concerning.append(
                    AuditLink(
                        reference=audit.reference,
                        url=reverse("audits:audit_detail", kwargs={"pk": audit.pk}),
                        team_name=audit.team.name if audit.team else "",
                    )
                )
    return sorted(rows.values(), key=lambda r: (-r.no, -r.partly, r.tool, r.section, r.question))


def audit_answer_counts(user: User) -> dict[str, int]:
    """For the index: how many audit answers bear on each vocabulary theme."""
    counts: Counter = Counter()
    themes = vocabulary.themes()
    for row in _answer_rows(user):
        path = _row_path(row)
        scale = row["question__section__tool_version__answer_scale"] or []
        if _bucket(row["value"], scale) == "not_applicable":
            continue
        for theme in themes:
            if theme.audit_questions and covers_question(theme, *path):
                counts[theme.key] += row["n"]
    return dict(counts)


# -- practice weeks ----------------------------------------------------------------------------


def practice_week_evidence(user: User, key: str) -> list[Evidence] | None:
    """Observations from practice weeks; None when they cannot be read."""
    try:
        with transaction.atomic():  # a savepoint: a failure here leaves the page's queries intact
            return list(observations_for_theme(user, key))
    except DatabaseError:
        log.exception("Practice week observations could not be read for theme %s", key)
        return None


# -- indicators --------------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    id: str
    title: str
    value_text: str
    url: str
    period_end: object = None
    area: str = ""  # "whole council" or "the teams you can see"


def _indicator_url(indicator_id: str) -> str:
    try:
        return reverse("indicators:detail", args=[indicator_id])
    except NoReverseMatch:
        return ""


def _linked_indicators(key: str) -> list:
    theme_ids = set(vocabulary.get(key).indicators)
    return [i for i in catalogue() if key in (i.themes or ()) or i.id in theme_ids]


def _value_text(value) -> str:
    """The indicator's value through the board's small-number rule (a count of 1 to 4 reads
    "fewer than 5"; a share built on 1 to 4 children is withheld)."""
    if value is None or not value.has_data:
        return (value.no_data_reason if value is not None else "") or "No value"
    return presentation.figure_of(value).text


def indicator_evidence(user: User, key: str) -> list[IndicatorRow]:
    """The indicators linked to the theme with their current value for the user's scope: the
    whole council for roles that see everything, otherwise the teams they can see."""
    indicators = _linked_indicators(key)
    teams = scope_teams(user)
    area = "whole council" if teams is None else "the teams you can see"
    values: dict[str, object] = {}
    period_end = None
    if indicators and (teams is None or teams):
        snapshot = store.current_snapshot()
        if snapshot is not None:
            try:
                period_end = engine.default_period_end(snapshot)
                for v in engine.compute(
                    snapshot=snapshot,
                    period_end=period_end,
                    team_ids=None if teams is None else [t.pk for t in teams],
                    ids=[i.id for i in indicators],
                ):
                    values[v.indicator.id] = v
            except Exception:  # noqa: BLE001 - one failing source must not hide the others
                log.exception("Indicators could not be computed for theme %s", key)
    if teams is not None and not teams:
        empty = "No data: you are not a member of any team"
    else:
        empty = "No current casework data"
    return [
        IndicatorRow(
            id=i.id,
            title=i.title,
            value_text=_value_text(values.get(i.id)) if values else empty,
            url=_indicator_url(i.id),
            period_end=period_end,
            area=area,
        )
        for i in indicators
    ]


# -- improvement actions -----------------------------------------------------------------------


def _actions_with_theme(user: User, key: str | None = None) -> list:
    if "themes" not in {f.name for f in ImprovementAction._meta.get_fields()}:
        return []
    actions = actions_visible_to(user).order_by("due_date", "id")
    teams = scope_teams(user)
    if teams is not None:  # not actions of other teams the user happens to own or have raised
        actions = actions.filter(team__in=teams)
    if key is not None and connection.features.supports_json_field_contains:
        actions = actions.filter(themes__contains=[key])
    return [a for a in actions if key is None or key in (a.themes or [])]


def action_evidence(user: User, key: str) -> list[Evidence]:
    out = []
    for action in _actions_with_theme(user, key):
        if action.recheck_result == RecheckResult.IMPROVED:
            leaning = Leaning.STRENGTH
        elif action.status not in CLOSED_STATUSES:
            leaning = Leaning.CONCERN
        else:
            leaning = Leaning.NEUTRAL
        out.append(
            Evidence(
                source="Action",
                title=f"Action {action.pk}: {action.get_status_display().lower()}",
                url=reverse("actions:detail", kwargs={"pk": action.pk}),
                date=action.due_date,
                team_name=action.team.name if action.team else "",
                summary=action.action,
                leaning=leaning,
            )
        )
    return out


# -- the pages ---------------------------------------------------------------------------------


@dataclass
class Triangulation:
    theme: vocabulary.Theme
    audits: list[AuditQuestionRow]
    practice_weeks: list[Evidence] | None
    feedback: list[Evidence]
    indicators: list[IndicatorRow] | None
    actions: list[Evidence]
    # The latest staff health check's scores for the standards linked to the theme.
    staff: list[Evidence] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, str]:
        """How many items each source gives, as the page shows them (small numbers suppressed)."""

        def text(items) -> str:
            return "" if items is None else figures.count_text(len(items))

        return {
            "audits": text(self.audits),
            "practice_weeks": text(self.practice_weeks),
            "feedback": text(self.feedback),
            "indicators": text(self.indicators),
            "actions": text(self.actions),
            "staff": text(self.staff),
        }

    @property
    def has_evidence(self) -> bool:
        return bool(
            self.audits
            or self.practice_weeks
            or self.feedback
            or self.indicators
            or self.actions
            or self.staff
        )


def triangulation(user: User, key: str) -> Triangulation | None:
    """Everything about one theme the user may see; None when the key is neither in the
    vocabulary nor used as a tag on anything the user can see."""
    if not KEY_PATTERN.fullmatch(key or ""):
        return None
    theme = vocabulary.get(key)
    result = Triangulation(
        theme=theme,
        audits=audit_evidence(user, theme),
        practice_weeks=practice_week_evidence(user, key),
        feedback=feedback_selectors.feedback_for_theme(user, key),
        indicators=indicator_evidence(user, key),
        actions=action_evidence(user, key),
        staff=healthcheck_selectors.healthcheck_for_theme(user, key),
    )
    if not theme.suggested and not result.has_evidence:
        return None
    return result


@dataclass(frozen=True)
class ThemeSummary:
    theme: vocabulary.Theme
    audit_answers: int
    practice_weeks: int | None
    feedback: int
    indicators: int
    actions: int

    # What the index shows: every count through the one small-number rule.
    audit_answers_text = figures.count_text_of("audit_answers")
    feedback_text = figures.count_text_of("feedback")
    indicators_text = figures.count_text_of("indicators")
    actions_text = figures.count_text_of("actions")

    @property
    def practice_weeks_text(self) -> str:
        return "–" if self.practice_weeks is None else figures.count_text(self.practice_weeks)


def theme_index(user: User) -> tuple[list[ThemeSummary], list[ThemeSummary]]:
    """Every vocabulary theme with counts of evidence by source, and the free tags in use."""
    audit_counts = audit_answer_counts(user)
    feedback_counts = feedback_selectors.theme_counts(user)
    action_counts: Counter = Counter()
    for action in _actions_with_theme(user):
        action_counts.update(set(action.themes or []))
    vocab_keys = [t.key for t in vocabulary.themes()]
    free = sorted((set(feedback_counts) | set(action_counts)) - set(vocab_keys))

    def summary(theme: vocabulary.Theme) -> ThemeSummary:
        observed = practice_week_evidence(user, theme.key)
        return ThemeSummary(
            theme=theme,
            audit_answers=audit_counts.get(theme.key, 0),
            practice_weeks=None if observed is None else len(observed),
            feedback=feedback_counts.get(theme.key, 0),
            indicators=len(_linked_indicators(theme.key)),
            actions=action_counts.get(theme.key, 0),
        )

    return (
        [summary(t) for t in vocabulary.themes()],
        [summary(vocabulary.get(k)) for k in free if KEY_PATTERN.fullmatch(k)],
    )
