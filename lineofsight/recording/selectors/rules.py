"""The council's rules for the checker as they stand, and their change history.

Configuration holds no child's details, so it is not scoped by user; the pages that show it
require VIEW_RECORDING.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from lineofsight.history.models import ChangeEvent
from lineofsight.web import figures
from lineofsight.worklists.selectors import NO_CASEWORK, reading

from .. import checker, table
from ..models import RecordingRules

_lock = threading.Lock()
# checker.Rules compiled once per saved version: compiling the word list's patterns is the
# costly part, and a version never changes once saved.
_compiled: dict[tuple, checker.Rules] = {}


@dataclass(frozen=True)
class RulesInForce:
    rules: checker.Rules
    version: int  # 0: nothing saved yet, the default rules are in force
    updated_by: str = ""
    updated_at: object = None


def rules_version_name(version: int) -> str:
    """The version as checked notes record it (recording_checks.rules_version)."""
    return f"council-{version}" if version else "default"


def rules_record() -> RulesInForce:
    """The rules in force with who changed them last: one query."""
    row = (
        RecordingRules.objects.filter(pk=RecordingRules.SINGLETON)
        .select_related("updated_by")
        .first()
    )
    if row is None or not row.version:
        return RulesInForce(checker.Rules.default(), 0)
    return RulesInForce(
        _rules_at(row.version, row.updated_at, row.data),
        row.version,
        updated_by=row.updated_by.full_name if row.updated_by else "",
        updated_at=row.updated_at,
    )


def rules_in_force() -> checker.Rules:
    """The checker's rules now: the defaults until the council saves its own. One small query
    (the version), then the rules compiled once per version, from memory."""
    found = (
        RecordingRules.objects.filter(pk=RecordingRules.SINGLETON)
        .values_list("version", "updated_at")
        .first()
    )
    if not found or not found[0]:
        return checker.Rules.default()
    cached = _compiled.get(found)
    if cached is not None:
        return cached
    return rules_record().rules


def _rules_at(version: int, updated_at: object, data: dict) -> checker.Rules:
    # Keyed by the time of the save as well, so a database restored to an older state (or a
    # test's rolled-back one) never meets rules compiled from another save of that version.
    key = (version, updated_at)
    cached = _compiled.get(key)
    if cached is None:
        cached = checker.Rules.from_data(data, version=rules_version_name(version))
        with _lock:
            # Only the newest few are ever asked for again; older ones are dropped.
            while len(_compiled) >= 8:
                _compiled.pop(next(iter(_compiled)))
            _compiled[key] = cached
    return cached


@dataclass
class HistoryEntry:
    at: object
    by: str
    lines: list[str] = field(default_factory=list)


def rules_history(*, limit: int = 50) -> list[HistoryEntry]:
    """What each change to the rules did, newest first, said in words: one query."""
    events = ChangeEvent.objects.filter(
        object_type=RecordingRules._meta.label_lower, object_id=str(RecordingRules.SINGLETON)
    ).select_related("actor")
    return [
        HistoryEntry(
            at=e.at,
            by=e.actor.full_name if e.actor else "",
            lines=_describe(e.changes),
        )
        for e in events.order_by("-pk")[:limit]
    ]


def _describe(changes: dict) -> list[str]:
    lines: list[str] = []
    was, now = (set(v or ()) for v in changes.get("terms", [None, None]))
    # A term is kept in the history as "term → preferred (details)": the same term on both
    # sides with other details is a change to it.
    was_named = {line.split(" → ")[0]: line for line in was - now}
    now_named = {line.split(" → ")[0]: line for line in now - was}
    for name in sorted(set(was_named) | set(now_named)):
        if name in was_named and name in now_named:
            lines.append(f"Term changed: {now_named[name]} (was {was_named[name]})")
        elif name in now_named:
            lines.append(f"Term added: {now_named[name]}")
        else:
            lines.append(f"Term removed: {was_named[name]}")
    was, now = (set(v or ()) for v in changes.get("allowed_acronyms", [None, None]))
    lines += [f"Allowed acronym added: {a}" for a in sorted(now - was)]
    lines += [f"Allowed acronym removed: {a}" for a in sorted(was - now)]
    was, now = (set(v or ()) for v in changes.get("switched_off", [None, None]))
    lines += [f"Rule switched off: {_rule_title(r)}" for r in sorted(now - was)]
    lines += [f"Rule switched on: {_rule_title(r)}" for r in sorted(was - now)]
    return lines


def _rule_title(rule_id: str) -> str:
    rule = checker.RULES.get(rule_id)
    return rule.title if rule else rule_id


# -- each rule with how often its findings are dismissed --------------------------------------

_finding_totals: dict[str, dict[str, int]] = {}


def finding_totals() -> dict[str, int] | None:
    """Findings per rule in the current snapshot's checked notes (table.RULE_COLUMNS); None
    when there is no snapshot or it has no checked notes. A snapshot never changes, so the
    sums are kept per snapshot file."""
    try:
        with reading() as reader:
            if table.TABLE not in reader.tables:
                return None
            cached = _finding_totals.get(reader.key)
            if cached is not None:
                return cached
            sums = ", ".join(
                f"coalesce(sum({column}), 0)" for column in table.RULE_COLUMNS.values()
            )
            row = reader.con.execute(f"SELECT {sums} FROM {table.TABLE}").fetchone()  # noqa: S608 - fixed names
            totals = {rule: int(n) for rule, n in zip(table.RULE_COLUMNS, row, strict=True)}
            _finding_totals[reader.key] = totals
            return totals
    except NO_CASEWORK:
        return None


@dataclass(frozen=True)
class RuleLine:
    rule: checker.Rule
    on: bool
    findings: int | None  # None: not counted in the checked notes (or none checked yet)
    dismissals: int

    @property
    def findings_text(self) -> str:
        return figures.count_text(self.findings) if self.findings else "No findings yet"

    @property
    def dismissals_text(self) -> str:
        return figures.count_text(self.dismissals)

    @property
    def rate_text(self) -> str:
        """Dismissals as a share of the findings, small numbers suppressed."""
        if not self.findings:
            return "No findings yet"
        return figures.share_text(min(self.dismissals, self.findings), self.findings)


def rule_lines(rules: checker.Rules, dismissals: dict[str, int]) -> list[RuleLine]:
    totals = finding_totals() or {}
    return [
        RuleLine(
            rule=rule,
            on=rules.is_on(rule.id),
            findings=totals.get(rule.id),
            dismissals=dismissals.get(rule.id, 0),
        )
        for rule in checker.RULES.values()
    ]
