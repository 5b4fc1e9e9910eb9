"""Which figures a snapshot cannot support, worked out from what its source holds
(casework.sources) and what each indicator's SQL reads. Nothing here lists indicators by hand.

An indicator is not supported when it needs:
- each child's earlier records, and the source holds only the last year and what is open: the
  SQL reads one child records table (or one WITH query) more than once, comparing a child's
  records with their other records (re-referrals, second plans, placement moves), or it times
  visits or reviews, each of which is due from the one before (timeliness CHAINED_TABLES);
- every visit or review, and the source gives only each child's latest one: it reads such a
  table (indicator.tables);
- a field the source does not give at all: its SQL names a field the importer could not fill
  (Snapshot.source_fields, recorded at import: Annex A has no place for many SSD fields), or a
  column of a derived table worked out from such a field (`register_derived_column`: whether a
  case note gives the child's voice depends on knowing the child's first name).

Tables the snapshot lacks altogether are not listed here: the engine already says "no data".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache

import duckdb

from lineofsight.casework import schema
from lineofsight.casework.models import Snapshot
from lineofsight.casework.sources import coverage
from lineofsight.timeliness.expectations import CHAINED_TABLES

from . import catalogue as cat
from .engine import TABLE_WORDS
from .types import Indicator, Source

# Tables the engine or the import makes, which say nothing about the source's history.
_ENGINE_TABLES = frozenset({"_periods", "_calendar", "event_timeliness", "_child_team", "_teams"})
# Tables about the workforce, not children: reading one twice compares no child's records.
_NOT_CHILDREN = frozenset({*schema.WORKFORCE_TABLES, "ssd_professionals", "ssd_department"})
# Derived columns and the source fields they are worked out from; apps that derive them add
# theirs in AppConfig.ready().
DERIVED_COLUMNS: dict[str, frozenset[str]] = {}


def register_derived_column(column: str, *, fields: frozenset[str] | set[str]) -> None:
    DERIVED_COLUMNS[column] = frozenset(fields)


_WORD = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


LEAD = "Figures this data cannot support (they are shown, but do not rely on them):"


@dataclass(frozen=True)
class Unsupported:
    indicator: Indicator
    reason: str  # a sentence, e.g. "It needs ... and an Annex A workbook ..."


def _table_references(sql: str) -> Counter:
    """How often each table or WITH query is read in the statement (DuckDB's own parser)."""
    with duckdb.connect() as con:
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [sql]).fetchone()[0])
    found: Counter = Counter()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("type") == "BASE_TABLE" and node.get("table_name"):
                found[node["table_name"]] += 1
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(tree)
    return found


@cache
def needs(indicator_id: str) -> tuple[bool, frozenset[str]]:
    """(whether it compares a child's records with their earlier ones, the SSD fields it reads)."""
    indicator = cat.get(indicator_id)
    reads = _table_references(indicator.sql)
    about_children = any(t in schema.tables() and t not in _NOT_CHILDREN for t in indicator.tables)
    history = about_children and any(
        n > 1 for name, n in reads.items() if name not in _ENGINE_TABLES
    )
    known = {f.name for t in schema.tables().values() for f in t.fields}
    words = set(_WORD.findall(indicator.sql))
    fields = {w for w in words if w in known}
    for column in words & set(DERIVED_COLUMNS):
        fields |= DERIVED_COLUMNS[column]
    return history, frozenset(fields)


def chained(indicator: Indicator) -> bool:
    """Whether it times visits or reviews, each due from the one before."""
    return "event_timeliness" in indicator.tables and bool(set(indicator.tables) & CHAINED_TABLES)


def unsupported(snapshot: Snapshot | None) -> list[Unsupported]:
    """The snapshot indicators this snapshot cannot support, in catalogue order, with why."""
    if snapshot is None:
        return []
    source = coverage(snapshot.source_kind)
    given = snapshot.source_fields or {}
    if source.history and not source.latest_only and not source.partial and not given:
        return []
    provided = set(snapshot.provided_tables)
    tables = schema.tables()
    lacking = {
        f
        for name, fields in given.items()
        if name in tables
        for f in tables[name].field_names
        if f not in fields
    }
    out = []
    for indicator in cat.catalogue():
        if indicator.source is not Source.SNAPSHOT:
            continue
        if not all(t in provided for t in indicator.tables if t.startswith("ssd_")):
            continue  # no data at all: the board says so already
        history, fields = needs(indicator.id)
        reason = ""
        latest = sorted(t for t in indicator.tables if t in source.latest_only)
        if not source.history and history:
            reason = (
                "It compares each child's records with their earlier ones, and "
                f"{source.name} holds only the last 12 months and what is still open."
            )
        elif partial := sorted(t for t in indicator.tables if t in source.partial):
            whom = ", ".join(sorted({source.partial[t] for t in partial}))
            words = ", ".join(TABLE_WORDS.get(t, t) for t in partial)
            reason = (
                f"It needs {words} for every child, and {source.name} gives them for {whom} only."
            )
        elif latest:
            words = ", ".join(TABLE_WORDS.get(t, t) for t in latest)
            reason = (
                f"It needs every one of the {words}, and {source.name} gives only each "
                "child's latest one."
            )
        elif not source.history and chained(indicator):
            reason = (
                "It times each visit or review from the one before, and "
                f"{source.name} holds only the last 12 months, so the first of the year is "
                "timed from the wrong date."
            )
        elif missing := sorted(fields & lacking):
            reason = f"It needs fields {source.name} does not give: {', '.join(missing)}."
        if reason:
            out.append(Unsupported(indicator, reason))
    return out
