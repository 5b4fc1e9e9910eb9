"""Reads for the staff health check: its configuration, the surveys, and their results.

Results are only ever aggregates, and only once a survey has closed (a figure that changes as
each answer comes in would tell whoever watches it what the latest person said):
- each standard is scored 0 to 100, the mean of its items' answers on the scale (strongly
  disagree 0 ... strongly agree 100), and banded (low, moderate, high by default);
- council-wide figures, and a team's, only from 5 or more people; a team with fewer is left out
  altogether, not even its count shown; and if the answers left out (all answers less those of the
  teams shown) number 1 to 4, the smallest team shown is left out too, so that no small group's
  answers can be worked out from the council-wide figures;
- each score is compared with the previous closed survey's, where both could be shown.
The pages, the CSV export, the themes evidence and the committee summary all read `results`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import Team, User
from lineofsight.framework.evidence import Evidence, Leaning
from lineofsight.web.figures import SMALL_MAX

from .models import HealthCheck, HealthCheckAnswer

DEFAULT_ITEMS_FILE = Path(__file__).parent / "healthcheck_items.yml"
MIN_ANSWERS = SMALL_MAX + 1  # 5: fewer answers than this and nothing is shown
CAPABILITY = policy.Capability.MANAGE_AUDIT_PROGRAMMES
SOURCE = "Staff health check"


class HealthCheckConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    start: int


@dataclass(frozen=True)
class Config:
    standards: list[dict]
    scale: list[dict]
    bands: tuple[Band, ...]


def items_file() -> Path:
    configured = getattr(settings, "HEALTHCHECK_ITEMS_FILE", "")
    return Path(configured) if configured else DEFAULT_ITEMS_FILE


@cache
def _load(path: str) -> Config:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    scale = [
        {"key": str(s["key"]), "label": str(s["label"]), "score": int(s["score"])}
        for s in data.get("scale") or []
    ]
    if not scale or any(not 0 <= s["score"] <= 100 for s in scale):
        raise HealthCheckConfigError(f"{path}: the scale needs answers scored 0 to 100")
    bands = tuple(
        sorted(
            (Band(str(b["key"]), str(b["label"]), int(b["from"])) for b in data.get("bands") or []),
            key=lambda b: -b.start,
        )
    )
    if not bands or bands[-1].start > 0:
        raise HealthCheckConfigError(f"{path}: the bands must start from 0")
    standards, seen = [], set()
    for n, item in enumerate(data.get("standards") or [], start=1):
        try:
            standard = {
                "key": str(item["key"]),
                "name": str(item["name"]),
                "themes": [str(t) for t in item.get("themes") or []],
                "items": [{"key": str(i["key"]), "text": str(i["text"])} for i in item["items"]],
            }
        except (KeyError, TypeError):
            raise HealthCheckConfigError(
                f"{path}: standard {n} needs a key, a name and items with a key and text"
            ) from None
        keys = [standard["key"], *(i["key"] for i in standard["items"])]
        if not standard["items"] or seen & set(keys) or len(set(keys)) != len(keys):
            raise HealthCheckConfigError(f"{path}: standard {n} has no items or repeats a key")
        seen.update(keys)
        standards.append(standard)
    if not standards:
        raise HealthCheckConfigError(f"{path}: no standards")
    return Config(standards=standards, scale=scale, bands=bands)


def config() -> Config:
    return _load(str(items_file()))


def band_for(score: float) -> Band:
    for band in config().bands:
        if score >= band.start:
            return band
    return config().bands[-1]


def band_texts() -> list[str]:
    """Each band as a page says it, highest first: "High: 75 to 100"."""
    out, top = [], 100
    for band in config().bands:
        out.append(f"{band.label}: {band.start} to {top}")
        top = band.start - 1
    return out


# -- access ------------------------------------------------------------------------------------


def may_manage(user: User) -> bool:
    """The health check is council-wide: quality assurance leads (the principal social worker)
    run it and read its results."""
    return policy.can(user, CAPABILITY)


def health_checks() -> QuerySet[HealthCheck]:
    return HealthCheck.objects.select_related("created_by").prefetch_related("teams")


def get_health_check(user: User, pk: int) -> HealthCheck:
    policy.require(user, CAPABILITY)
    return get_object_or_404(health_checks(), pk=pk)


def teams_for_survey() -> QuerySet[Team]:
    return Team.objects.select_related("service").order_by("name")


def invited_count(health_check: HealthCheck) -> int:
    return health_check.invites.count()


def previous(health_check: HealthCheck) -> HealthCheck | None:
    """The closed survey before this one (by closing date), to compare with."""
    earlier = (
        HealthCheck.objects.filter(closes_on__lt=health_check.opens_on)
        .exclude(pk=health_check.pk)
        .order_by("-closes_on", "-id")
    )
    return next((h for h in earlier if h.is_closed()), None)


# -- scoring -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandardScore:
    key: str
    name: str
    score: int
    band: Band
    previous: int | None = None

    @property
    def difference(self) -> int | None:
        return None if self.previous is None else self.score - self.previous

    @property
    def difference_text(self) -> str:
        if self.difference is None:
            return "No earlier figure"
        if self.difference == 0:
            return "No change"
        return f"{self.difference:+d}"


@dataclass(frozen=True)
class Group:
    """The scores of one group of people (the whole council, or one team) with 5 or more."""

    name: str
    answered: int
    standards: list[StandardScore]
    team_id: int | None = None


@dataclass(frozen=True)
class Results:
    health_check: HealthCheck
    council: Group | None  # None: fewer than 5 answered, or the survey is still open
    teams: list[Group] = field(default_factory=list)
    previous: HealthCheck | None = None

    @property
    def shown(self) -> bool:
        return self.council is not None


def _scores(health_check: HealthCheck, rows: list[dict]) -> dict[str, int]:
    """Each standard's score from these answers: the mean of every item answer, 0 to 100."""
    values = {s["key"]: s["score"] for s in health_check.scale}
    out = {}
    for standard in health_check.standards:
        marks = [
            values[row[item["key"]]]
            for row in rows
            for item in standard["items"]
            if row.get(item["key"]) in values
        ]
        if marks:
            out[standard["key"]] = int(sum(marks) / len(marks) + 0.5)  # halves round up
    return out


def score_answers(health_check: HealthCheck, rows: list[dict]) -> dict[str, int]:
    """The score per standard key of a list of answers ({item key: scale key}); no suppression
    (callers show it only for 5 or more)."""
    return _scores(health_check, rows)


def _group_scores(health_check: HealthCheck) -> tuple[list[dict], dict[int, list[dict]]]:
    every: list[dict] = []
    by_team: dict[int, list[dict]] = {}
    for team_id, answers in HealthCheckAnswer.objects.filter(health_check=health_check).values_list(
        "team_id", "answers"
    ):
        every.append(answers)
        by_team.setdefault(team_id, []).append(answers)
    return every, by_team


def _shown_teams(by_team: dict[int, list[dict]], total: int) -> list[int]:
    """Teams whose figures may be shown: 5 or more answered, and what is left out is 0 or 5+."""
    shown = sorted(
        (t for t, rows in by_team.items() if len(rows) >= MIN_ANSWERS),
        key=lambda t: (len(by_team[t]), t),
    )
    left_out = total - sum(len(by_team[t]) for t in shown)
    while shown and 0 < left_out < MIN_ANSWERS:
        smallest = shown.pop(0)
        left_out += len(by_team[smallest])
    return shown


def _raw(health_check: HealthCheck) -> tuple[dict[str, int] | None, int, dict[int, tuple]]:
    every, by_team = _group_scores(health_check)
    if len(every) < MIN_ANSWERS:
        return None, 0, {}
    teams = {
        t: (len(by_team[t]), _scores(health_check, by_team[t]))
        for t in _shown_teams(by_team, len(every))
    }
    return _scores(health_check, every), len(every), teams


def _standards(
    health_check: HealthCheck, scores: dict[str, int], before: dict[str, int] | None
) -> list[StandardScore]:
    return [
        StandardScore(
            key=s["key"],
            name=s["name"],
            score=scores[s["key"]],
            band=band_for(scores[s["key"]]),
            previous=(before or {}).get(s["key"]),
        )
        for s in health_check.standards
        if s["key"] in scores
    ]


def results(health_check: HealthCheck) -> Results:
    """The survey's results as anyone may see them (see the module's rules)."""
    if not health_check.is_closed():
        return Results(health_check=health_check, council=None)
    council, answered, teams = _raw(health_check)
    if council is None:
        return Results(health_check=health_check, council=None)
    earlier = previous(health_check)
    before_council, before_teams = None, {}
    if earlier is not None:
        before_council, _, before_teams = _raw(earlier)
    names = dict(Team.objects.filter(pk__in=teams).values_list("pk", "name"))
    groups = [
        Group(
            name=names[team_id],
            answered=n,
            standards=_standards(health_check, scores, before_teams.get(team_id, (0, None))[1]),
            team_id=team_id,
        )
        for team_id, (n, scores) in teams.items()
    ]
    groups.sort(key=lambda g: g.name)
    return Results(
        health_check=health_check,
        council=Group("Whole council", answered, _standards(health_check, council, before_council)),
        teams=groups,
        previous=earlier,
    )


def csv_rows(result: Results) -> list[list[object]]:
    """The aggregated results as CSV rows (a header first); the same rules as the page."""
    rows: list[list[object]] = [
        [
            "Group",
            "Number who answered",
            "Standard",
            "Score (0 to 100)",
            "Band",
            "Previous score",
            "Difference",
        ]
    ]
    if result.council is None:
        return rows
    for group in [result.council, *result.teams]:
        for s in group.standards:
            rows.append(
                [
                    group.name,
                    group.answered,
                    s.name,
                    s.score,
                    s.band.label,
                    "" if s.previous is None else s.previous,
                    "" if s.difference is None else s.difference,
                ]
            )
    return rows


def latest_closed() -> HealthCheck | None:
    return next(
        (h for h in HealthCheck.objects.order_by("-closes_on", "-id") if h.is_closed()), None
    )


# -- for the themes and the committee report ---------------------------------------------------


def _leaning(score: StandardScore) -> Leaning:
    if score.band.key == config().bands[0].key:
        return Leaning.STRENGTH
    if score.band.key == config().bands[-1].key:
        return Leaning.CONCERN
    return Leaning.NEUTRAL


def healthcheck_for_theme(user: User, theme_key: str) -> list[Evidence]:
    """The latest closed survey's scores for the standards linked to a theme (the `themes` of each
    standard in the items file), for a user who reads the themes: the council-wide score, and each
    team's that the user may see. Only aggregates of 5 or more, as on the results page."""
    if not policy.can(user, policy.Capability.VIEW_THEMES):
        return []
    survey = latest_closed()
    if survey is None:
        return []
    keys = {s["key"] for s in survey.standards if theme_key in s.get("themes", [])}
    if not keys:
        return []
    result = results(survey)
    if result.council is None:
        return []
    url = (
        reverse("feedback:healthcheck_results", kwargs={"pk": survey.pk})
        if may_manage(user)
        else ""
    )
    visible = set(policy.visible_teams(user).values_list("pk", flat=True))
    if policy.scope_for(user) is policy.Scope.EVERYTHING:
        groups = [result.council, *result.teams]
    else:
        groups = [result.council, *(g for g in result.teams if g.team_id in visible)]
    return [
        Evidence(
            source=SOURCE,
            title=f"{s.name}: {s.score} out of 100 ({s.band.label.lower()})",
            url=url,
            date=survey.last_day,
            team_name="" if group.team_id is None else group.name,
            summary=(
                f"{survey.title}, {group.name.lower() if group.team_id is None else group.name}: "
                f"{group.answered} people answered. "
                + (
                    ""
                    if s.previous is None
                    else f"Change since the previous survey: {s.difference_text}."
                )
            ).strip(),
            leaning=_leaning(s),
        )
        for group in groups
        for s in group.standards
        if s.key in keys
    ]


def latest_health_check_summary() -> dict | None:
    """The latest closed survey's council-wide results for the committee report, or None when
    there is none or fewer than 5 people answered it."""
    survey = latest_closed()
    if survey is None:
        return None
    result = results(survey)
    if result.council is None:
        return None
    return {
        "title": survey.title,
        "opens_on": survey.opens_on,
        "closed_on": survey.last_day,
        "answered": result.council.answered,
        "previous_title": result.previous.title if result.previous else "",
        "standards": [
            {
                "key": s.key,
                "name": s.name,
                "score": s.score,
                "band": s.band.label,
                "previous": s.previous,
                "difference": s.difference,
            }
            for s in result.council.standards
        ],
        "teams_shown": len(result.teams),
    }


def today() -> datetime.date:
    return timezone.localdate()
