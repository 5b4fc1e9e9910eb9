"""Every change to the council's rules for the checker goes through `recording_rules_update`:
it checks the lists (checker.rules.validate_data, each problem saying where), takes the
optimistic lock and writes the change history, all in one transaction; on any refusal nothing
changes. The smaller services (a term, the acronyms, a rule's switch) build the new lists from
the ones in force and hand them to it.

A change takes effect for pages at once and for the board's counts at the next import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from lineofsight.accounts import policy
from lineofsight.accounts.models import User
from lineofsight.history.services import record_change
from lineofsight.web.errors import EditConflict, ServiceError
from lineofsight.web.locking import version_take

from .. import checker
from ..checker.rules import validate_data
from ..models import RecordingRules

MAX_ACRONYM = 12


class RulesError(ServiceError):
    """Rules that cannot be saved; the message says what is wrong and where."""


class RulesChangedMeanwhile(RulesError, EditConflict):
    title = "Someone else changed the rules"

    def __init__(self, current: RecordingRules | None) -> None:
        who = current.updated_by if current is not None else None
        super().__init__(
            f"{who.full_name if who else 'Someone'} changed the recording rules while you were "
            "editing them. Check what they saved below, then make your change again if it "
            "still applies.",
            current=current,
            saved_by=who,
        )


def _term_line(term: dict) -> str:
    """A term as the change history shows it."""
    details = []
    variants = [v for v in term.get("variants") or () if v != term["term"]]
    if variants:
        details.append("also " + ", ".join(variants))
    if term.get("not_when"):
        details.append("not when " + ", ".join(term["not_when"]))
    if term.get("legal"):
        details.append("kept in court papers")
    tail = f" ({'; '.join(details)})" if details else ""
    return f"{term['term']} → {term.get('preferred', '')}{tail}"


def _history_view(data: dict) -> dict:
    return {
        "terms": [_term_line(t) for t in data.get("terms") or ()],
        "allowed_acronyms": list(data.get("allowed_acronyms") or ()),
        "switched_off": list(data.get("switched_off") or ()),
    }


def _checked(data: object) -> dict:
    """The lists in the checker's own shape, or RulesError listing every problem."""
    problems = validate_data(data)
    if isinstance(data, dict):
        for n, acronym in enumerate(data.get("allowed_acronyms") or (), start=1):
            text = str(acronym).strip()
            if not re.fullmatch(rf"[A-Za-z0-9&]{{2,{MAX_ACRONYM}}}", text):
                problems.append(
                    f"Allowed acronym {n} (“{text[:20]}”): use letters, digits or & only, "
                    f"2 to {MAX_ACRONYM} of them, one acronym to a line."
                )
    if problems:
        raise RulesError("The rules were not saved. " + " ".join(problems))
    try:
        rules = checker.Rules.from_data(data)  # type: ignore[arg-type]
        # Checked once now, so lists the checker cannot use are refused here, not at import.
        checker.check("A short note.", rules=rules)
    except (ValueError, re.error) as exc:
        raise RulesError(f"The rules were not saved. {exc}") from None
    return rules.as_data()


def _row_locked(expected_version: int) -> RecordingRules:
    """Take the one rules row at `expected_version` (creating it at version 0, holding the
    defaults, the first time); the row as it was, for the history."""
    if not RecordingRules.objects.filter(pk=RecordingRules.SINGLETON).exists():
        try:
            with transaction.atomic():
                RecordingRules.objects.create(
                    pk=RecordingRules.SINGLETON, data=checker.Rules.default().as_data(), version=0
                )
        except IntegrityError:
            pass  # someone else created it at the same moment: the lock below decides
    return version_take(
        RecordingRules,
        RecordingRules.SINGLETON,
        expected_version=expected_version,
        conflict=lambda now: RulesChangedMeanwhile(
            RecordingRules.objects.select_related("updated_by").get(pk=now.pk)
        ),
    )


@transaction.atomic
def recording_rules_update(
    *, actor: User, data: dict, expected_version: int, action: str = "recording_rules_update"
) -> RecordingRules:
    """Replace the council's rules with `data` (checker.Rules.as_data() shape). Refused with
    RulesError (every problem, saying where) or RulesChangedMeanwhile when the rules are no
    longer at `expected_version` (0: the defaults, never saved); then nothing changes."""
    policy.require(actor, policy.Capability.MANAGE_RECORDING_RULES)
    clean = _checked(data)
    before = _row_locked(expected_version)
    RecordingRules.objects.filter(pk=RecordingRules.SINGLETON).update(
        data=clean, updated_by=actor, updated_at=timezone.now()
    )
    saved = RecordingRules.objects.select_related("updated_by").get(pk=RecordingRules.SINGLETON)
    record_change(
        actor=actor,
        action=action,
        obj=saved,
        before=_history_view(before.data),
        after=_history_view(clean),
    )
    return saved


def _data_at(expected_version: int) -> dict:
    """The lists the person's form was loaded from. When the rules have moved on since, the
    version lock refuses the save anyway, so what is read here does not matter then."""
    row = RecordingRules.objects.filter(pk=RecordingRules.SINGLETON).first()
    if row is None or not row.version:
        return checker.Rules.default().as_data()
    return row.data


def _position_checked(terms: list, position: int, expected_version: int) -> None:
    """A term's position in the list the form was loaded from. Out of range because the list
    has changed since: the edit conflict; otherwise there is no such term."""
    if 1 <= position <= len(terms):
        return
    row = RecordingRules.objects.select_related("updated_by").filter(pk=1).first()
    if row is not None and row.version != expected_version:
        raise RulesChangedMeanwhile(row)
    raise RulesError(f"There is no term {position} in the word list.")


def _lines(value: str | Iterable[str]) -> list[str]:
    items = value.splitlines() if isinstance(value, str) else list(value)
    return list(dict.fromkeys(" ".join(str(i).split()) for i in items if str(i).strip()))


def rules_term_save(
    *,
    actor: User,
    expected_version: int,
    position: int | None,
    term: str,
    variants: str | Iterable[str],
    not_when: str | Iterable[str],
    preferred: str,
    reason: str,
    legal: bool,
) -> RecordingRules:
    """Add a term (`position` None) or change the term at `position` (1 is the first)."""
    data = _data_at(expected_version)
    terms = list(data.get("terms") or [])
    name = " ".join(term.split())
    entry = {
        "term": name,
        "variants": _lines(variants) or [name],
        "not_when": _lines(not_when),
        "preferred": preferred.strip(),
        "reason": reason.strip(),
        "legal": bool(legal),
        "match_case": False,
    }
    if position is None:
        terms.append(entry)
        action = "recording_rules_term_add"
    else:
        _position_checked(terms, position, expected_version)
        entry["match_case"] = bool(terms[position - 1].get("match_case", False))
        terms[position - 1] = entry
        action = "recording_rules_term_change"
    return recording_rules_update(
        actor=actor, data={**data, "terms": terms}, expected_version=expected_version, action=action
    )


def rules_term_remove(*, actor: User, expected_version: int, position: int) -> RecordingRules:
    data = _data_at(expected_version)
    terms = list(data.get("terms") or [])
    _position_checked(terms, position, expected_version)
    del terms[position - 1]
    return recording_rules_update(
        actor=actor,
        data={**data, "terms": terms},
        expected_version=expected_version,
        action="recording_rules_term_remove",
    )


def rules_acronyms_set(
    *, actor: User, expected_version: int, acronyms: str | Iterable[str]
) -> RecordingRules:
    """The allowed acronyms, one a line (blank lines and repeats ignored)."""
    data = _data_at(expected_version)
    return recording_rules_update(
        actor=actor,
        data={**data, "allowed_acronyms": _lines(acronyms)},
        expected_version=expected_version,
        action="recording_rules_acronyms_set",
    )


def rules_switch(*, actor: User, expected_version: int, rule: str, on: bool) -> RecordingRules:
    """Switch one rule on or off (a rule off is not checked, so has no findings)."""
    if rule not in checker.RULES:
        raise RulesError(f"There is no rule called {rule}.")
    data = _data_at(expected_version)
    off = set(data.get("switched_off") or ())
    off = off - {rule} if on else off | {rule}
    return recording_rules_update(
        actor=actor,
        data={**data, "switched_off": sorted(off)},
        expected_version=expected_version,
        action="recording_rules_switch",
    )
