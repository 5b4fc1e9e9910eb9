"""One case note from the current snapshot, checked again with the rules in force, for a user
who may read it: they may see the child (children.selectors.get_child_for_user), or they wrote
it. Anyone else is answered 404, as if there were no note. The view logs the access.

The spans are found again here rather than stored: checking one note takes under a millisecond.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace

import duckdb
from django.http import Http404

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose, User
from lineofsight.casework.models import Snapshot
from lineofsight.children.selectors import get_child_for_user
from lineofsight.worklists.selectors import NO_CASEWORK, Reader, reading

from .. import checker
from ..annotate import Annotated, annotate
from ..models import FindingDismissal
from .dismissals import dismissals_for_note
from .rules import rules_in_force

_NOTE_SQL = (
    "SELECT n.note_id, n.note_person_id, n.note_date::DATE, n.note_type, n.note_author_id, "
    "w.prof_professional_name, n.note_text, p.pers_forename, p.pers_surname, p.pers_dob::DATE "
    "FROM case_notes n "
    "LEFT JOIN ssd_professionals w ON w.prof_professional_id = n.note_author_id "
    "LEFT JOIN ssd_person p ON p.pers_person_id = n.note_person_id "
    "WHERE n.note_id = $note"
)
# The first names of everyone else in the snapshot's person records: a note on one child that
# names another person may need care before it is shared (checker rule other-person-named).
_OTHER_NAMES_SQL = (
    "SELECT DISTINCT trim(pers_forename) FROM ssd_person "
    "WHERE pers_person_id <> $person AND pers_forename IS NOT NULL AND trim(pers_forename) <> ''"
)


def other_names(con: duckdb.DuckDBPyConnection, person_id: str) -> frozenset[str]:
    """The first names of everyone in the snapshot but this child (the note page, the audit
    panel)."""
    return frozenset(r[0] for r in con.execute(_OTHER_NAMES_SQL, {"person": person_id}).fetchall())


def age_on(date_of_birth: datetime.date | None, day: datetime.date | None) -> float | None:
    """A child's age in years on the day a note describes (today when it has no date)."""
    if date_of_birth is None:
        return None
    return max(((day or datetime.date.today()) - date_of_birth).days / 365.25, 0.0)


@dataclass(frozen=True)
class Note:
    note_id: str
    person_id: str
    date: datetime.date | None
    note_type: str
    author_id: str
    author_name: str
    text: str
    child_name: str
    child_forename: str
    date_of_birth: datetime.date | None

    @property
    def child_age(self) -> float | None:
        return age_on(self.date_of_birth, self.date)


@dataclass(frozen=True)
class NoteAccess:
    note: Note
    purpose: str  # AccessPurpose, for the access log
    snapshot: Snapshot
    other_names: frozenset[str]


def _read_note(reader: Reader, note_id: str) -> Note | None:
    try:
        row = reader.con.execute(_NOTE_SQL, {"note": note_id}).fetchone()
    except duckdb.CatalogException:  # an extract without case notes
        return None
    if row is None:
        return None
    nid, person, day, kind, author, author_name, text, forename, surname, dob = row
    forename = (forename or "").strip()
    return Note(
        note_id=str(nid),
        person_id=str(person),
        date=day,
        note_type=(kind or "").strip(),
        author_id=(author or "").strip(),
        author_name=(author_name or author or "").strip(),
        text=text or "",
        child_name=" ".join(p for p in (forename, (surname or "").strip()) if p),
        child_forename=forename,
        date_of_birth=dob,
    )


def child_purpose(user: User, person_id: str, reader: Reader) -> str:
    """Why `user` may see the child (AccessPurpose), or 404."""
    return get_child_for_user(user, person_id, reader).purpose


def wrote_note(user: User, note: Note) -> bool:
    pid = (user.professional_id or "").strip()
    return bool(pid) and pid == note.author_id


def note_for_user(user: User, note_id: str) -> NoteAccess:
    """The note, if `user` may read it; 404 otherwise (403 for a role without casework)."""
    policy.require(user, policy.Capability.VIEW_CASEWORK)
    note_id = (note_id or "").strip()
    try:
        with reading() as reader:
            note = _read_note(reader, note_id)
            if note is None:
                raise Http404("No such note")
            if wrote_note(user, note):
                purpose = str(AccessPurpose.CASEWORK)
            else:
                purpose = child_purpose(user, note.person_id, reader)
            names = other_names(reader.con, note.person_id)
            snapshot = reader.snapshot
    except NO_CASEWORK:
        raise Http404("No such note") from None
    return NoteAccess(note, purpose, snapshot, names)


def note_result(access: NoteAccess) -> checker.Result:
    note = access.note
    return checker.check(
        note.text,
        rules=rules_in_force(),
        child=note.child_forename,
        child_age=note.child_age,
        people=access.other_names,
    )


# -- the note as the page shows it -----------------------------------------------------------

# How much of a finding's words a dismissal keeps (a long sentence can be longer).
KEPT = 300


def finding_key(rule: str, start: int, text: str) -> tuple[str, int, str]:
    """What names one finding in a note, for its dismissal."""
    return (rule, int(start), text[:KEPT])


@dataclass(frozen=True)
class Dismissed:
    dismissal: FindingDismissal
    title: str
    found_now: bool  # False when the checker no longer finds it (the rules changed)


@dataclass
class CheckedNote:
    access: NoteAccess
    result: checker.Result
    # The findings still standing, numbered and cut into the text as the check page shows them.
    annotated: Annotated
    dismissed: list[Dismissed] = field(default_factory=list)

    @property
    def note(self) -> Note:
        return self.access.note


def checked_note_for_user(user: User, note_id: str) -> CheckedNote:
    """The note with the findings still standing highlighted and numbered in text order, and
    the dismissed ones listed apart (with those the rules in force no longer make)."""
    access = note_for_user(user, note_id)
    result = note_result(access)
    dismissals = {finding_key(d.rule, d.start, d.text): d for d in dismissals_for_note(note_id)}
    standing, dismissed, seen = [], [], set()
    for finding in result.findings:
        key = finding_key(finding.rule, finding.start, finding.text)
        if key in dismissals:
            seen.add(key)
            dismissed.append(Dismissed(dismissals[key], _title(finding.rule), True))
        else:
            standing.append(finding)
    dismissed += [
        Dismissed(d, _title(d.rule), False) for key, d in dismissals.items() if key not in seen
    ]
    annotated = annotate(access.note.text, replace(result, findings=tuple(standing)))
    return CheckedNote(access, result, annotated, dismissed)


def _title(rule_id: str) -> str:
    rule = checker.RULES.get(rule_id)
    return rule.title if rule else rule_id
