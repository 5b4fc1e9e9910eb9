"""The council's statutory returns read together: one snapshot from a CIN census and an SSDA903
return (services.returns_import adds a workforce census and case notes).

Both returns describe some of the same children under the council's own child id (LAchildID in
the census, CHILD in the SSDA903), so each child is one `ssd_person` row: the first return's
value of each item (the census's, when both are given), filled from the other where the first
has none. Where the two disagree (a different date of birth, say) the import keeps the first and
warns, naming the child and both values, so the council can correct its case system. Every other
table comes from one return only, or from both with ids that cannot collide (each reader prefixes
its own), and is kept whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .problems import ParsedExtract, Problem, Severity

PERSON_TABLE = "ssd_person"
PERSON_KEY = "pers_person_id"


@dataclass
class ReturnsExtract(ParsedExtract):
    """Rows from several returns, and the text encoding each file was read in."""

    encodings: dict[str, str] = field(default_factory=dict)


def _label(part: ParsedExtract) -> str:
    return part.files[0].name if part.files else "a return"


def merge_returns(parts: Sequence[ParsedExtract]) -> ReturnsExtract:
    merged = ReturnsExtract()
    people: dict[str, dict[str, Any]] = {}
    first_from: dict[str, str] = {}
    for part in parts:
        label = _label(part)
        merged.problems += part.problems
        merged.files += part.files
        merged.encodings.update(getattr(part, "encodings", {}))
        for table, names in part.fields.items():
            known = merged.fields.setdefault(table, [])
            known += [n for n in names if n not in known]
        for table, rows in part.tables.items():
            if table != PERSON_TABLE:
                merged.tables.setdefault(table, []).extend(rows)
                continue
            for row in rows:
                key = row.get(PERSON_KEY)
                if key is None or key not in people:
                    people[key if key is not None else f"\0{len(people)}"] = dict(row)
                    first_from[key] = label
                    continue
                merged.problems += _fill(people[key], row, key, first_from[key], label)
    if people:
        merged.tables[PERSON_TABLE] = list(people.values())
    return merged


def _fill(
    kept: dict[str, Any], other: dict[str, Any], key: str, first: str, second: str
) -> list[Problem]:
    problems = []
    for name, value in other.items():
        if value is None or value == "":
            continue
        current = kept.get(name)
        if current is None or current == "":
            kept[name] = value
        elif current != value:
            problems.append(
                Problem(
                    Severity.WARNING,
                    f"The returns disagree about child {key}: {first} gives {current}, "
                    f"{second} gives {value}. The first is kept; correct the case system so "
                    "the returns agree.",
                    table=PERSON_TABLE,
                    field=name,
                    value=str(value),
                    source=second,
                )
            )
    return problems
