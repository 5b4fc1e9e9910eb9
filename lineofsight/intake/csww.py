"""The DfE children's social work workforce census (CSWW): its XML return, read into the
snapshot's workforce tables (casework.schema: `csww_council`, `csww_workers`).

    parsed = read_csww(path)                 # ParsedExtract: the two tables, and every problem
    match_professionals(parsed, professionals)   # fill csww_workers.prof_professional_id

The return is one `Message`: a `Header` (`CollectionDetails`: `Year`, the schema year, and
`ReferenceDate`, the census date), `LALevelVacancies` (vacancies, agency FTE and headcount on the
census date) and one `CSWWWorker` per social worker (employed workers in post or who left in
the year, and agency workers). Schema years 2022 onwards are read (SCHEMA_YEARS); their worker
items are the same. Items the snapshot does not keep (birth date, gender, ethnicity,
qualification) are not read: Line of Sight needs no personal details of staff.

Checks, each an error naming the worker (its number in the file, first worker 1, and its SWENo;
the number is also the problem's row) and the item, so the import is refused and nothing
changes:
- the file is well-formed XML whose root is `Message`, with a known schema year;
- every worker has a SWENo, and no two workers share one;
- FTE and FTE30 are numbers from 0 to 1.5 (FTE_MAX: a full-time worker is 1; a little overtime
  is possible, a value like 10 or 37 is hours typed as FTE);
- dates are YYYY-MM-DD and RoleEndDate is not before RoleStartDate;
- AgencyWorker and Absat30Sept are 0 or 1; Cases30 and NoAgencyHeadcount whole numbers of 0 or
  more; WorkingDaysLost, ContractWeeks and the council's FTEs numbers of 0 or more.
Codes (OrgRole, ReasonLeave, ...) are kept as written.

Matching: a worker is the SSD professional whose Social Work England number
(`prof_social_worker_registration_no`) is the worker's SWENo, else whose staff id
(`prof_staff_id`) is; spaces and case are ignored. Workers with no match keep an empty
`prof_professional_id` (one warning says how many).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from .problems import ParsedExtract, Problem, Severity

SCHEMA_YEARS = range(2022, 2026)  # the CSWW schema years read: 2022 to 2025
FTE_MAX = 1.5
WORKER = "CSWWWorker"
COUNCIL = "LALevelVacancies"

# The census date when the header does not give one: 30 September of the collection year.
CENSUS_MONTH_DAY = (9, 30)


@dataclass(frozen=True)
class Professional:
    professional_id: str
    staff_id: str | None
    swe_no: str | None


def _text(parent: Element, tag: str) -> str | None:
    node = parent.find(tag)
    if node is None or node.text is None:
        return None
    value = node.text.strip()
    return value or None


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def error(self, message: str, *, table: str = "", row: int | None = None, **where) -> None:
        self.problems.append(
            Problem(Severity.ERROR, message, table=table, row=row, source=self.source, **where)
        )

    # -- values ----------------------------------------------------------------------------

    def number(
        self,
        parent: Element,
        tag: str,
        *,
        who: str,
        table: str,
        row: int | None,
        upper: float | None = None,
        whole: bool = False,
    ) -> float | int | None:
        raw = _text(parent, tag)
        if raw is None:
            return None
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        kind = "a whole number" if whole else "a number"
        if value != value or (whole and not value.is_integer()):  # NaN: not a number
            self.error(f"{who}: {tag} must be {kind}.", table=table, row=row, field=tag, value=raw)
            return None
        if value < 0 or (upper is not None and value > upper):
            limit = f"from 0 to {upper:g}" if upper is not None else "0 or more"
            self.error(
                f"{who}: {tag} must be {kind} {limit}.",
                table=table,
                row=row,
                field=tag,
                value=raw,
            )
            return None
        return int(value) if whole else value

    def date(
        self, parent: Element, tag: str, *, who: str, table: str, row: int | None
    ) -> datetime.date | None:
        raw = _text(parent, tag)
        if raw is None:
            return None
        try:
            return datetime.date.fromisoformat(raw[:10])
        except ValueError:
            self.error(
                f"{who}: {tag} is not a date. Write dates as YYYY-MM-DD.",
                table=table,
                row=row,
                field=tag,
                value=raw,
            )
            return None

    def flag(
        self, parent: Element, tag: str, *, who: str, row: int, required: bool = False
    ) -> str | None:
        raw = _text(parent, tag)
        if raw is None:
            if required:
                self.error(f"{who}: {tag} is required (0 or 1).", table=WORKER, row=row, field=tag)
            return None
        if raw not in ("0", "1"):
            self.error(f"{who}: {tag} must be 0 or 1.", table=WORKER, row=row, field=tag, value=raw)
            return None
        return "Y" if raw == "1" else "N"

    # -- the parts of the return -----------------------------------------------------------

    def header(self, root: Element) -> tuple[int | None, datetime.date | None]:
        details = root.find("Header/CollectionDetails")
        where = {"table": "CollectionDetails"}
        if details is None:
            self.error("The file has no Header/CollectionDetails, so its year is not known.")
            return None, None
        raw_year = _text(details, "Year")
        if raw_year is None:
            self.error("CollectionDetails has no Year.", field="Year", **where)
            return None, None
        if not raw_year.isdigit() or int(raw_year) not in SCHEMA_YEARS:
            self.error(
                f"The schema year {raw_year} is not one Line of Sight reads: it reads the CSWW "
                f"schema years {SCHEMA_YEARS[0]} to {SCHEMA_YEARS[-1]}.",
                field="Year",
                value=raw_year,
                **where,
            )
            return None, None
        year = int(raw_year)
        census = self.date(details, "ReferenceDate", who="CollectionDetails", row=None, **where)
        if census is None and _text(details, "ReferenceDate") is None:
            census = datetime.date(year, *CENSUS_MONTH_DAY)
        return year, census

    def council(self, root: Element, year: int, census: datetime.date) -> dict[str, Any] | None:
        node = root.find(COUNCIL)
        if node is None:
            self.error(f"The file has no {COUNCIL} (the council's vacancies and agency workers).")
            return None
        who = COUNCIL
        return {
            "census_date": census,
            "collection_year": year,
            "vacancies_fte": self.number(
                node, "NumberOfVacancies", who=who, table=COUNCIL, row=None
            ),
            "agency_fte": self.number(node, "NoAgencyFTE", who=who, table=COUNCIL, row=None),
            "agency_headcount": self.number(
                node, "NoAgencyHeadcount", who=who, table=COUNCIL, row=None, whole=True
            ),
        }

    def worker(self, node: Element, n: int, first_seen: dict[str, int]) -> dict[str, Any]:
        """Worker `n` (the first is 1) as a row; `first_seen` holds the SWENos read so far."""
        swe = _text(node, "SWENo")
        who = f"Worker {n} (SWENo {swe})" if swe else f"Worker {n}"
        if swe is None:
            self.error(f"{who}: SWENo is required.", table=WORKER, row=n, field="SWENo")
        else:
            key = _key(swe)
            if key in first_seen:
                self.error(
                    f"{who}: this SWENo is also on worker {first_seen[key]}. Each worker "
                    "must appear once.",
                    table=WORKER,
                    row=n,
                    field="SWENo",
                    value=swe,
                )
            else:
                first_seen[key] = n

        def num(tag: str, **kw: Any) -> float | int | None:
            return self.number(node, tag, who=who, table=WORKER, row=n, **kw)

        def day(tag: str) -> datetime.date | None:
            return self.date(node, tag, who=who, table=WORKER, row=n)

        start, end = day("RoleStartDate"), day("RoleEndDate")
        if start is not None and end is not None and end < start:
            self.error(
                f"{who}: RoleEndDate ({end.isoformat()}) is before RoleStartDate "
                f"({start.isoformat()}).",
                table=WORKER,
                row=n,
                field="RoleEndDate",
                value=end.isoformat(),
            )
        return {
            "_row": n,
            "swe_no": swe,
            "prof_professional_id": None,
            "agency_worker": self.flag(node, "AgencyWorker", who=who, row=n, required=True),
            "org_role": _text(node, "OrgRole"),
            "fte": num("FTE", upper=FTE_MAX),
            "fte30": num("FTE30", upper=FTE_MAX),
            "role_start_date": start,
            "start_origin": _text(node, "StartOrigin"),
            "role_end_date": end,
            "leaver_destination": _text(node, "LeaverDestination"),
            "reason_leave": _text(node, "ReasonLeave"),
            "cases_30": num("Cases30", whole=True),
            "working_days_lost": num("WorkingDaysLost"),
            "contract_weeks": num("ContractWeeks"),
            "absent_30_sept": self.flag(node, "Absat30Sept", who=who, row=n),
            "reason_absence": _text(node, "ReasonAbsence"),
        }


def _key(identifier: str) -> str:
    return "".join(identifier.split()).upper()


def read_csww(path: Path, *, label: str = "") -> ParsedExtract:
    """The census in `path` as the two workforce tables, with every problem found.

    The file is read as a stream: each worker is let go once read, so the file is never held
    whole in memory. Problems come in the file's order of parts: the header, the council's
    figures, then the workers."""
    path = Path(path)
    reader = _Reader(label or path.name)
    of_workers = _Reader(reader.source)  # kept apart so they follow the header's problems
    parsed = ParsedExtract(files=[path])
    root = None
    depth = 0
    workers: list[dict[str, Any]] = []
    first_seen: dict[str, int] = {}
    try:
        for event, node in ElementTree.iterparse(str(path), events=("start", "end")):
            if event == "start":
                root = node if root is None else root
                depth += 1
                continue
            depth -= 1
            if depth == 1 and node.tag == WORKER:
                workers.append(of_workers.worker(node, len(workers) + 1, first_seen))
                root.remove(node)  # done with it: keep memory flat
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        reader.error(
            f"The file is not well-formed XML (line {line}, column {column}): "
            f"{str(exc).split(':')[0]}. Export the census again from the case system."
        )
        root = None
    except DefusedXmlException as exc:
        reader.error(
            f"The file uses XML features that are not allowed here ({type(exc).__name__})."
        )
        root = None
    except OSError as exc:
        reader.error(f"The file cannot be read: {exc.strerror or exc}.")
        root = None
    except LookupError as exc:
        reader.error(f"The file declares an encoding no XML reader knows ({exc}).")
        root = None
    if root is None:
        parsed.problems = reader.problems
        return parsed
    if root.tag != "Message":
        reader.error(
            f"This is not a CSWW census return: its root element is {root.tag}, not Message."
        )
        parsed.problems = reader.problems
        return parsed
    year, census = reader.header(root)
    if year is None or census is None:
        parsed.problems = reader.problems
        return parsed
    council = reader.council(root, year, census)
    if not workers:
        of_workers.error(f"The file has no {WORKER} records.", table=WORKER)
    parsed.tables = {
        "csww_council": [council] if council is not None else [],
        "csww_workers": workers,
    }
    parsed.problems = reader.problems + of_workers.problems
    return parsed


def match_professionals(parsed: ParsedExtract, professionals: Iterable[Professional]) -> int:
    """Fill each worker's prof_professional_id from the SSD's professionals, by Social Work
    England number, else by staff id. Returns how many workers were matched; adds one warning
    naming how many were not (only when there are professionals to match against)."""
    by_swe: dict[str, str] = {}
    by_staff: dict[str, str] = {}
    listed = sorted(professionals, key=lambda p: p.professional_id)
    for p in listed:
        if p.swe_no:
            by_swe.setdefault(_key(p.swe_no), p.professional_id)
        if p.staff_id:
            by_staff.setdefault(_key(p.staff_id), p.professional_id)
    workers = parsed.tables.get("csww_workers", [])
    matched = 0
    for row in workers:
        swe = row.get("swe_no")
        found = (by_swe.get(_key(swe)) or by_staff.get(_key(swe))) if swe else None
        row["prof_professional_id"] = found
        matched += found is not None
    unmatched = len(workers) - matched
    if listed and unmatched:
        source = parsed.files[0].name if parsed.files else ""
        parsed.problems.append(
            Problem(
                Severity.WARNING,
                f"{unmatched} of {len(workers)} census workers match no professional in "
                "ssd_professionals (by Social Work England number or staff id); they are kept "
                "without a professional id.",
                table="csww_workers",
                field="prof_professional_id",
                source=source,
            )
        )
    return matched
