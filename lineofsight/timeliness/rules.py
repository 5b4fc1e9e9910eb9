"""Timescale rules: the shipped defaults (default_rules.yml) and the values in force.

A rule's wording and kind come from the YAML file; the council's own values for local rules are
stored in the database (models.LocalTimescale) and laid over the defaults by `in_force`. This
module reads no database itself, so a benchmark or a test can use the defaults on their own.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from lineofsight.web.errors import ServiceError

DEFAULT_RULES_FILE = Path(__file__).with_name("default_rules.yml")


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


UNIT_WORDS: dict[Unit, tuple[str, str]] = {
    Unit.WORKING_DAYS: ("working day", "working days"),
    Unit.DAYS: ("day", "days"),
    Unit.WEEKS: ("week", "weeks"),
    Unit.MONTHS: ("month", "months"),
}


class Kind(StrEnum):
    STATUTORY = "statutory"
    LOCAL = "local"


class RulesFileError(ValueError):
    """The rules file is not as this module expects: a fault in the product, not in user input."""


class InvalidTimescale(ServiceError):
    """A value an administrator entered for a rule cannot be used; the message says why. It
    belongs to the form's one box, the rule's value."""

    def __init__(self, message: str) -> None:
        super().__init__(message, field="value")


@dataclass(frozen=True)
class Interval:
    amount: int
    unit: Unit

    @property
    def unit_words(self) -> str:
        singular, plural = UNIT_WORDS[self.unit]
        return singular if self.amount == 1 else plural

    def words(self) -> str:
        return f"{self.amount} {self.unit_words}"

    @classmethod
    def parse(cls, raw: Any, where: str) -> Interval:
        if not isinstance(raw, dict) or set(raw) != {"amount", "unit"}:
            raise RulesFileError(f"{where}: expected {{amount: N, unit: U}}, found {raw!r}")
        amount, unit = raw["amount"], raw["unit"]
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise RulesFileError(f"{where}: amount must be a whole number above 0")
        try:
            return cls(amount, Unit(unit))
        except ValueError:
            units = ", ".join(u.value for u in Unit)
            raise RulesFileError(f"{where}: unit must be one of {units}") from None


@dataclass(frozen=True)
class LongTerm:
    """A longer interval once a placement meant to last has run for a while (visits to
    looked-after children in long-term foster care)."""

    due: Interval
    after: Interval
    placement_types: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    kind: Kind
    event_type: str
    measures: str
    clock_starts: str
    due: Interval  # in force
    default: Interval  # as shipped
    repeats: bool
    description: str
    source: str
    maximum: int | None = None
    long_term: LongTerm | None = None
    # Further intervals a rule names but which are not editable (e.g. health review ages).
    extra: Mapping[str, Interval] = field(default_factory=dict)
    changed_by: str = ""
    changed_at: datetime.datetime | None = None

    @property
    def editable(self) -> bool:
        return self.kind is Kind.LOCAL

    @property
    def is_changed(self) -> bool:
        return self.due != self.default

    def check_value(self, raw: object) -> int:
        """The whole number `raw` holds, or InvalidTimescale saying which rule and why."""
        plural = UNIT_WORDS[self.due.unit][1]
        wrong = InvalidTimescale(f"{self.title}: enter a whole number of {plural} greater than 0")
        if isinstance(raw, bool):
            raise wrong
        if isinstance(raw, int):
            value = raw
        else:
            text = str(raw).strip()
            if not text.isascii() or not text.isdigit():
                raise wrong
            value = int(text)
        if value <= 0:
            raise wrong
        if self.maximum is not None and value > self.maximum:
            raise InvalidTimescale(
                f"{self.title}: enter a whole number of {plural} no more than {self.maximum}"
            )
        return value


@dataclass(frozen=True)
class LocalValue:
    """A council's value for a local rule, as stored."""

    rule_id: str
    amount: int
    unit: str
    changed_by: str = ""
    changed_at: datetime.datetime | None = None


_REQUIRED = (
    "id",
    "title",
    "kind",
    "event_type",
    "measures",
    "clock_starts",
    "due",
    "repeats",
    "description",
    "source",
)
_OPTIONAL = ("maximum", "long_term", "review_under_5", "review_from_5")


def _text(raw: dict, key: str, where: str) -> str:
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise RulesFileError(f"{where}: {key} must be some words")
    return " ".join(value.split())


def _rule(raw: Any, position: int) -> Rule:
    where = f"rule {position}"
    if not isinstance(raw, dict):
        raise RulesFileError(f"{where}: expected a mapping")
    where = f"rule {raw.get('id', position)}"
    missing = [k for k in _REQUIRED if k not in raw]
    unknown = sorted(set(raw) - set(_REQUIRED) - set(_OPTIONAL))
    if missing or unknown:
        raise RulesFileError(f"{where}: missing {missing}, unknown {unknown}")
    try:
        kind = Kind(raw["kind"])
    except ValueError:
        raise RulesFileError(f"{where}: kind must be statutory or local") from None
    due = Interval.parse(raw["due"], f"{where} due")
    maximum = raw.get("maximum")
    if kind is Kind.LOCAL and (not isinstance(maximum, int) or maximum < due.amount):
        raise RulesFileError(f"{where}: a local rule needs a maximum no less than its default")
    long_term = None
    if "long_term" in raw:
        lt = raw["long_term"]
        long_term = LongTerm(
            due=Interval.parse(lt.get("due"), f"{where} long_term.due"),
            after=Interval.parse(lt.get("after"), f"{where} long_term.after"),
            placement_types=tuple(str(t).strip().upper() for t in lt.get("placement_types", ())),
        )
        if long_term.after.unit is Unit.WORKING_DAYS:
            raise RulesFileError(f"{where}: long_term.after must be in days, weeks or months")
    extra = {
        key: Interval.parse(raw[key], f"{where} {key}")
        for key in ("review_under_5", "review_from_5")
        if key in raw
    }
    return Rule(
        id=str(raw["id"]),
        title=_text(raw, "title", where),
        kind=kind,
        event_type=str(raw["event_type"]),
        measures=_text(raw, "measures", where),
        clock_starts=_text(raw, "clock_starts", where),
        due=due,
        default=due,
        repeats=bool(raw["repeats"]),
        description=_text(raw, "description", where),
        source=_text(raw, "source", where),
        maximum=maximum if kind is Kind.LOCAL else None,
        long_term=long_term,
        extra=extra,
    )


def parse_rules(text: str) -> dict[str, Rule]:
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesFileError("the rules file must hold a list called rules")
    rules: dict[str, Rule] = {}
    for position, raw in enumerate(data["rules"], start=1):
        rule = _rule(raw, position)
        if rule.id in rules:
            raise RulesFileError(f"rule {rule.id} is defined twice")
        rules[rule.id] = rule
    return rules


@cache
def default_rules() -> dict[str, Rule]:
    """The shipped rules, in the order of the file."""
    return parse_rules(DEFAULT_RULES_FILE.read_text(encoding="utf-8"))


def in_force(local_values: Iterable[LocalValue] = ()) -> dict[str, Rule]:
    """The default rules with the council's values laid over the local ones.

    A stored value for a rule that is no longer local, or no longer exists, is ignored. A value is
    applied in the unit it was stored in, so a later change of a default's unit cannot silently
    turn "10 working days" into "10 weeks".
    """
    rules = dict(default_rules())
    for value in local_values:
        rule = rules.get(value.rule_id)
        if rule is None or not rule.editable:
            continue
        try:
            unit = Unit(value.unit)
        except ValueError:
            continue
        rules[rule.id] = replace(
            rule,
            due=Interval(value.amount, unit),
            changed_by=value.changed_by,
            changed_at=value.changed_at,
        )
    return rules
