"""Every write to one-to-one supervision. Keyword-only, in a transaction, with history.

Only someone who may lead supervision for the team records or changes a one-to-one; the
supervisee must be one of the team's workers, and the supervisor its manager or a quality
assurance lead. An edit is saved only over the version its author started from. An import
from the case system is all or nothing.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from lineofsight.accounts.edits import VersionedEdit
from lineofsight.accounts.models import Team, User
from lineofsight.history.services import record_creation
from lineofsight.web.errors import EditConflict

from . import one_to_one_selectors as o2o
from .models_one_to_one import OneToOne, SupervisionProfile
from .selectors import may_facilitate, may_lead
from .services import SupervisionError

RECORD_FIELDS = (
    "team_id",
    "held_on",
    "supervisor_id",
    "supervisee_id",
    "cases",
    "reflection",
    "actions_agreed",
)
EDIT_FIELDS = ("held_on", "supervisor_id", "cases", "reflection", "actions_agreed")
PERSON_ID_LENGTH = 48


class OneToOneChangedMeanwhile(SupervisionError, EditConflict):
    """Someone else saved the one-to-one after this person opened it."""

    title = "Someone else saved this supervision"

    def __init__(self, current: OneToOne) -> None:
        who = current.updated_by.full_name if current.updated_by else "someone else"
        super().__init__(
            f"{who} saved this supervision after you opened it. Your text has not been saved: "
            "it is still in the boxes below. Compare it with what they saved, then save again.",
            current=current,
            saved_by=current.updated_by,
        )


class ProfileChangedMeanwhile(SupervisionError, EditConflict):
    title = "Someone else saved this worker's details"

    def __init__(self, current: SupervisionProfile) -> None:
        who = current.updated_by.full_name if current.updated_by else "someone else"
        super().__init__(
            f"{who} saved this worker's details after you opened them. Check the date, then "
            "save again.",
            current=current,
            saved_by=current.updated_by,
        )


_EDIT = VersionedEdit(
    OneToOne,
    EDIT_FIELDS,
    "one_to_one_edit",
    OneToOneChangedMeanwhile,
    related=("team", "supervisor", "supervisee", "updated_by"),
)
_PROFILE_EDIT = VersionedEdit(
    SupervisionProfile,
    ("newly_qualified_since",),
    "supervision_profile_edit",
    ProfileChangedMeanwhile,
    related=("user", "updated_by"),
)


def case_lines(cases: str | Iterable[str]) -> str:
    """Children's person ids as stored: one a line, in the order given, each once."""
    items = cases.splitlines() if isinstance(cases, str) else list(cases)
    seen: list[str] = []
    for item in items:
        pid = item.strip()
        if pid and pid not in seen:
            seen.append(pid)
    return "\n".join(seen)


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


def _check_cases(cases: str) -> None:
    for pid in cases.splitlines():
        if len(pid) > PERSON_ID_LENGTH or " " in pid:
            raise SupervisionError(
                f"{pid[:60]} is not a child's id: put one id a line, with no spaces",
                field="cases",
            )


def _check(*, team: Team, held_on: datetime.date, supervisor: User, supervisee: User) -> None:
    if held_on > timezone.localdate():
        raise SupervisionError(
            "The date of the supervision must be today or earlier", field="held_on"
        )
    if not o2o.worker_in_team(supervisee, team):
        raise SupervisionError(
            f"{supervisee.full_name} is not a worker in {team.name}", field="supervisee"
        )
    if not supervisor.is_active or not may_facilitate(supervisor, team):
        raise SupervisionError(
            f"{supervisor.full_name} does not supervise in {team.name}: choose the team's "
            "manager or a quality assurance lead",
            field="supervisor",
        )


def _require_lead(actor: User, team: Team) -> None:
    if not may_lead(actor, team):
        raise PermissionDenied("You may not record supervision for this team.")


@transaction.atomic
def one_to_one_record(
    *,
    actor: User,
    team: Team,
    held_on: datetime.date,
    supervisor: User,
    supervisee: User,
    cases: str | Iterable[str] = "",
    reflection: str = "",
    actions_agreed: str = "",
    imported: bool = False,
) -> OneToOne:
    """Record a one-to-one supervision of one of the team's workers."""
    _require_lead(actor, team)
    _check(team=team, held_on=held_on, supervisor=supervisor, supervisee=supervisee)
    stored_cases = case_lines(cases)
    _check_cases(stored_cases)
    if OneToOne.objects.filter(
        supervisee=supervisee, supervisor=supervisor, held_on=held_on
    ).exists():
        raise SupervisionError(
            f"A supervision of {supervisee.full_name} by {supervisor.full_name} on "
            f"{held_on:%d/%m/%Y} is already recorded",
            field="held_on",
        )
    record = OneToOne.objects.create(
        team=team,
        held_on=held_on,
        supervisor=supervisor,
        supervisee=supervisee,
        cases=stored_cases,
        reflection=reflection.strip(),
        actions_agreed=_lines(actions_agreed),
        created_by=actor,
        imported=imported,
    )
    record_creation(
        actor=actor,
        action="one_to_one_import" if imported else "one_to_one_record",
        obj=record,
        fields=RECORD_FIELDS,
    )
    return record


@transaction.atomic
def one_to_one_edit(
    *,
    actor: User,
    record: OneToOne,
    expected_version: int,
    held_on: datetime.date,
    supervisor: User,
    cases: str,
    reflection: str,
    actions_agreed: str,
) -> OneToOne:
    """Change a one-to-one. Refused with OneToOneChangedMeanwhile if someone else saved it
    since `expected_version` was read. The supervisee stays who they were."""
    _require_lead(actor, record.team)
    _check(team=record.team, held_on=held_on, supervisor=supervisor, supervisee=record.supervisee)
    stored_cases = case_lines(cases)
    _check_cases(stored_cases)
    if (
        OneToOne.objects.filter(
            supervisee=record.supervisee, supervisor=supervisor, held_on=held_on
        )
        .exclude(pk=record.pk)
        .exists()
    ):
        raise SupervisionError(
            f"Another supervision of {record.supervisee.full_name} by {supervisor.full_name} "
            f"on {held_on:%d/%m/%Y} is already recorded",
            field="held_on",
        )
    values = {
        "held_on": held_on,
        "supervisor": supervisor,
        "cases": stored_cases,
        "reflection": reflection.strip(),
        "actions_agreed": _lines(actions_agreed),
    }
    return _EDIT.save(record.pk, actor=actor, expected_version=expected_version, values=values)


@transaction.atomic
def supervision_profile_set(
    *,
    actor: User,
    worker: User,
    expected_version: int,
    newly_qualified_since: datetime.date | None,
) -> SupervisionProfile:
    """Say since when the worker is newly qualified (None: they are not). `expected_version`
    is 0 when the worker has no profile yet."""
    if not o2o.teams_of_worker_led_by(actor, worker).exists():
        raise PermissionDenied("You may not change this worker's supervision details.")
    if newly_qualified_since is not None and newly_qualified_since > timezone.localdate():
        raise SupervisionError("The date must be today or earlier", field="newly_qualified_since")
    existing = SupervisionProfile.objects.select_for_update().filter(user=worker).first()
    if existing is None:
        if expected_version != 0:
            raise SupervisionError("These details have gone: open the page again.")
        profile = SupervisionProfile.objects.create(
            user=worker,
            newly_qualified_since=newly_qualified_since,
            updated_by=actor,
            updated_at=timezone.now(),
        )
        record_creation(
            actor=actor,
            action="supervision_profile_create",
            obj=profile,
            fields=("newly_qualified_since",),
        )
        return profile
    return _PROFILE_EDIT.save(
        existing.pk,
        actor=actor,
        expected_version=expected_version,
        values={"newly_qualified_since": newly_qualified_since},
    )


# -- import from the case system -----------------------------------------------------------

IMPORT_COLUMNS = ("supervision_date", "cases", "reflection", "actions")
PEOPLE_COLUMNS = {
    "supervisor": ("supervisor_email", "supervisor_staff_id"),
    "supervisee": ("supervisee_email", "supervisee_staff_id"),
}
MAX_IMPORT_ROWS = 5000
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


class ImportRefused(SupervisionError):
    """The file was not imported; `problems` says what is wrong, each by row and column."""

    def __init__(self, problems: list[str]) -> None:
        shown = problems[:50]
        more = len(problems) - len(shown)
        message = "Nothing was imported. " + " ".join(shown)
        if more:
            message += f" And {more} more problems."
        super().__init__(message, field="file")
        self.problems = problems


@dataclass
class ImportResult:
    created: list[OneToOne] = field(default_factory=list)
    already: int = 0  # rows already recorded (by who supervised whom on which day)


@dataclass(frozen=True)
class _Row:
    number: int
    team: Team
    held_on: datetime.date
    supervisor: User
    supervisee: User
    cases: str
    reflection: str
    actions: str


def _date(text: str) -> datetime.date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _person(row: dict, role: str, columns: tuple[str, str]) -> tuple[User | None, str, str]:
    """The person a row names in `role`, the column it was read from, and what is wrong."""
    email_col, staff_col = columns
    email = (row.get(email_col) or "").strip()
    staff_id = (row.get(staff_col) or "").strip()
    if email:
        person = User.objects.filter(email__iexact=email, is_active=True).first()
        return person, email_col, "" if person else f"no active user has the email {email}"
    if staff_id:
        found = list(User.objects.filter(professional_id=staff_id, is_active=True)[:2])
        if len(found) == 1:
            return found[0], staff_col, ""
        if found:
            return None, staff_col, f"more than one user has the staff id {staff_id}"
        return None, staff_col, f"no active user has the staff id {staff_id}"
    return None, email_col, f"give the {role}'s email or staff id"


def _read_rows(actor: User, text: str) -> tuple[list[_Row], list[str]]:
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    missing += [
        " or ".join(cols) for cols in PEOPLE_COLUMNS.values() if not any(c in header for c in cols)
    ]
    if missing:
        return [], [f"Row 1 (the header): missing column {', '.join(missing)}."]
    rows: list[_Row] = []
    led = list(o2o.leadable_teams(actor))
    for number, raw in enumerate(reader, start=2):
        if number - 1 > MAX_IMPORT_ROWS:
            problems.append(f"The file has more than {MAX_IMPORT_ROWS:,} rows: split it.")
            break
        if None in raw:
            problems.append(f"Row {number}: more values than columns.")
            continue
        here = len(problems)
        held_on = _date(raw.get("supervision_date") or "")
        if held_on is None:
            problems.append(
                f"Row {number}, column supervision_date: enter a date like 2026-03-27 or "
                "27/03/2026."
            )
        elif held_on > timezone.localdate():
            problems.append(f"Row {number}, column supervision_date: the date is in the future.")
        people = {}
        for role, cols in PEOPLE_COLUMNS.items():
            person, col, wrong = _person(raw, role, cols)
            if wrong:
                problems.append(f"Row {number}, column {col}: {wrong}.")
            people[role] = (person, col)
        supervisee, supervisee_col = people["supervisee"]
        supervisor, supervisor_col = people["supervisor"]
        team = None
        if supervisee is not None:
            team = next((t for t in led if o2o.worker_in_team(supervisee, t)), None)
            if team is None:
                problems.append(
                    f"Row {number}, column {supervisee_col}: {supervisee.full_name} is not a "
                    "worker in a team you lead supervision for."
                )
        if team is not None and supervisor is not None and not may_facilitate(supervisor, team):
            problems.append(
                f"Row {number}, column {supervisor_col}: {supervisor.full_name} does not "
                f"supervise in {team.name}."
            )
        cases = case_lines((raw.get("cases") or "").split(";"))
        bad = [p for p in cases.splitlines() if len(p) > PERSON_ID_LENGTH or " " in p]
        if bad:
            problems.append(
                f"Row {number}, column cases: {bad[0][:60]} is not a child's id (separate ids "
                "with semicolons)."
            )
        if len(problems) == here:
            rows.append(
                _Row(
                    number,
                    team,  # type: ignore[arg-type]
                    held_on,  # type: ignore[arg-type]
                    supervisor,  # type: ignore[arg-type]
                    supervisee,  # type: ignore[arg-type]
                    cases,
                    (raw.get("reflection") or "").strip(),
                    raw.get("actions") or "",
                )
            )
    return rows, problems


@transaction.atomic
def one_to_ones_import(*, actor: User, data: bytes) -> ImportResult:
    """Record each one-to-one in a CSV from the case system, all or nothing: if any row is
    wrong, ImportRefused lists every problem by row and column and nothing is saved. A row
    already recorded (the same supervisor, supervisee and date) is counted, not added again.
    Row 1 is the header; the first supervision is row 2, as a spreadsheet numbers them."""
    if not o2o.leadable_teams(actor).exists():
        raise PermissionDenied("You may not record supervision.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefused(["The file must be a CSV file saved as UTF-8."]) from None
    rows, problems = _read_rows(actor, text)
    if problems:
        raise ImportRefused(problems)
    if not rows:
        raise ImportRefused(["The file has no rows below its header."])
    result = ImportResult()
    seen: set[tuple[int, int, datetime.date]] = set()
    for row in rows:
        key = (row.supervisee.pk, row.supervisor.pk, row.held_on)
        if (
            key in seen
            or OneToOne.objects.filter(
                supervisee=row.supervisee, supervisor=row.supervisor, held_on=row.held_on
            ).exists()
        ):
            result.already += 1
            continue
        seen.add(key)
        result.created.append(
            one_to_one_record(
                actor=actor,
                team=row.team,
                held_on=row.held_on,
                supervisor=row.supervisor,
                supervisee=row.supervisee,
                cases=row.cases,
                reflection=row.reflection,
                actions_agreed=row.actions,
                imported=True,
            )
        )
    return result
