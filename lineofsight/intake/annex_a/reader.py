"""read_annex_a: an Ofsted Annex A workbook as SSD tables plus the problems found in it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from itertools import chain, islice
from pathlib import Path

from lineofsight.casework.schema import ANNEX_A_CARE_LEAVER_COLUMNS

from ..problems import ParsedExtract, Problem, Severity
from .mapping import CHILD_ID, MAPPING_ORDER, Mapper
from .rows import ListTable, Reporter, RowReader
from .spec import AnnexASpec, ListSpec, load_spec
from .values import EXCEL_ERRORS, CellError
from .workbook import (
    HEADER_SCAN_ROWS,
    HeaderMatch,
    Row,
    Workbook,
    WorkbookError,
    find_header,
    list_number_from_name,
    open_workbook,
)

LIST_NAMES = {
    1: "contacts",
    2: "early help",
    3: "referrals",
    4: "assessments",
    5: "section 47 enquiries",
    6: "children in need",
    7: "child protection",
    8: "children looked after",
    9: "care leavers",
    10: "adoption",
    11: "adopters",
}
ADOPTER_ID = "Individual adopter identifier"
NOT_READ = frozenset({11})  # adopters are adults: nothing in the snapshot is about them

# Without these a list's rows mean nothing: the list is not imported and the file is in error.
KEY_COLUMNS: dict[int, tuple[str, ...]] = {
    1: ("Date of Contact",),
    3: ("Date of referral",),
    4: ("Continuous Assessment Start Date",),
    5: ("Strategy discussion initiating Section 47 Enquiry Start Date",),
    6: ("CIN Start Date",),
    7: ("Child Protection Plan Start Date",),
    8: ("Date Started to be Looked After",),
}
_PERSON = ("Ethnicity", "Date of Birth")
_ALLOCATION = ("Allocated Team", "Allocated Worker")
# Columns the mapping reads; a missing one leaves SSD fields blank, which is worth a warning.
USED_COLUMNS: dict[int, tuple[str, ...]] = {
    1: (*_PERSON, "Contact Source"),
    2: _PERSON,
    3: (*_PERSON, "Referral Source", "Referral NFA?", *_ALLOCATION),
    4: (
        *_PERSON,
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children's social care support?",
        *_ALLOCATION,
    ),
    5: (
        *_PERSON,
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        *_ALLOCATION,
    ),
    6: (
        *_PERSON,
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case Status",
        *_ALLOCATION,
    ),
    7: (
        *_PERSON,
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        *_ALLOCATION,
    ),
    8: (
        *_PERSON,
        "Child's Category of Need",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date of Latest Statutory Review",
        "Date of Last Social Work Visit",
        "Date of Last IRO Visit / Contact to the Child",
        "Date Ceased to be Looked After",
        "Reason Ceased to be Looked After",
        "Start Date of Most Recent Placement",
        "Placement Type",
        "Placement Provider",
        "Placement postcode",
        "URN of Placement",
        *_ALLOCATION,
    ),
    9: (
        *_PERSON,
        *_ALLOCATION,
        *ANNEX_A_CARE_LEAVER_COLUMNS,
    ),
    10: (*_PERSON, "Date of Placement Order", "Date of Adoption Order"),
}
# Columns every list shares: they cannot tell one list from another.
_SHARED = frozenset(
    {
        CHILD_ID,
        "Gender",
        "Sex",
        "Ethnicity",
        "Date of Birth",
        "Age of Child (Years)",
        "Does the Child have a Disability",
        "Allocated Team",
        "Allocated Worker",
        "Family identifier",
    }
)


def read_annex_a(path: Path, *, as_at: date | None = None) -> ParsedExtract:
    """Read an Annex A workbook (.xlsx or .xls) into SSD tables, never raising on a bad file.

    `as_at` is the date the workbook was extracted; Annex A does not record it. It is accepted
    for the import's sake and not used by the reader.
    """
    path = Path(path)
    extract = ParsedExtract(files=[path])
    reporter = Reporter(path.name)
    try:
        workbook = open_workbook(path)
    except WorkbookError as exc:
        extract.problems = [Problem(Severity.ERROR, str(exc), source=path.name)]
        return extract
    try:
        spec = load_spec()
        lists = _find_lists(workbook, spec, reporter)
        readable = {n: t for n, t in lists.items() if t is not None}
        if not lists and reporter.problems:
            extract.problems = reporter.finish()  # sheets that look like lists but are broken
            return extract
        if not lists:
            extract.problems = [
                Problem(
                    Severity.ERROR,
                    "none of the Annex A lists was found: no sheet is named like 'List 1' to"
                    " 'List 11' or has Annex A column headers such as 'Child Unique ID'",
                    source=path.name,
                )
            ]
            return extract
        _report_missing_lists(lists, reporter)
        mapper = Mapper(reporter, spec.placeholder_names)
        for number in MAPPING_ORDER:
            if number in readable:
                table = readable[number]
                mapper.map_rows(RowReader(table, reporter), table.rows, number)
        extract.tables = mapper.finish()
        extract.fields = mapper.filled
    except Exception as exc:  # the promise is a report, never a crash
        reporter.error(f"the workbook could not be read ({type(exc).__name__}: {exc})")
    finally:
        workbook.close()
    extract.problems = reporter.finish()
    return extract


def _find_lists(
    workbook: Workbook, spec: AnnexASpec, reporter: Reporter
) -> dict[int, ListTable | None]:
    """Each list found, by number: its table, or None when found but unreadable or not read."""
    found: dict[int, ListTable | None] = {}
    for position, sheet_name in enumerate(workbook.sheet_names):
        reporter.sheet_order[reporter.source(sheet_name)] = position
        try:
            _find_list(workbook, sheet_name, spec, reporter, found)
        except Exception as exc:  # a damaged sheet: report it and read the others
            reporter.error(
                f"this sheet could not be read ({type(exc).__name__}: {exc})", sheet=sheet_name
            )
    return found


def _find_list(
    workbook: Workbook,
    sheet_name: str,
    spec: AnnexASpec,
    reporter: Reporter,
    found: dict[int, ListTable | None],
) -> None:
    rows = iter(workbook.rows(sheet_name))
    head = list(islice(rows, HEADER_SCAN_ROWS))
    number, named = list_number_from_name(sheet_name, spec)
    match: HeaderMatch | None = None
    if number is not None and number not in NOT_READ:
        match = find_header(head, spec.lists[number], _id_column(number))
        if match is None and not named:
            # "CIN lookup" or "Referrals summary": a word in the name is not enough.
            reporter.warning(
                f"the sheet's name suggests List {number} but it has no List {number} headers;"
                " it was not read",
                sheet=sheet_name,
                table=f"List {number}",
            )
            return
    if number is None:
        number, match = _guess_list(head, spec, set(found))
        if number is None:
            return  # a cover, notes or lookup sheet
    if number in found:
        reporter.warning(
            f"a second sheet for List {number}; only the first one is read",
            sheet=sheet_name,
            table=f"List {number}",
        )
        return
    if number in NOT_READ:
        found[number] = None
        return
    found[number] = _read_list(spec.lists[number], sheet_name, match, head, rows, reporter)


def _id_column(number: int) -> str:
    return ADOPTER_ID if number == 11 else CHILD_ID


def _guess_list(
    head: list[Row], spec: AnnexASpec, taken: set[int]
) -> tuple[int | None, HeaderMatch | None]:
    """For a sheet not named like a list: the list whose own columns its headers match best."""
    scored = []
    for number, list_spec in spec.lists.items():
        if number in taken:
            continue
        match = find_header(head, list_spec, _id_column(number))
        if match is not None:
            own = sum(1 for c in match.columns if c not in _SHARED)
            scored.append((own, number, match))
    scored.sort(key=lambda s: -s[0])
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None, None
    return scored[0][1], scored[0][2]


def _read_list(
    list_spec: ListSpec,
    sheet: str,
    match: HeaderMatch | None,
    head: list[Row],
    rest: Iterator[Row],
    reporter: Reporter,
) -> ListTable | None:
    where = {"sheet": sheet, "table": list_spec.label}
    number = list_spec.number
    if match is None:
        reporter.error(
            f"no header row found: none of the first {HEADER_SCAN_ROWS} rows has a"
            f" '{_id_column(number)}' column with other {list_spec.label} headers;"
            " the list was not imported",
            **where,
        )
        return None
    for index, header in match.duplicates:
        reporter.warning(
            f"duplicate column header (column {_letter(index)}); only the first is read",
            row=match.row,
            column=header,
            **where,
        )
    missing_keys = [c for c in KEY_COLUMNS.get(number, ()) if c not in match.columns]
    for column in missing_keys:
        reporter.error(
            f"required column '{column}' not found; the list was not imported",
            row=match.row,
            column=column,
            **where,
        )
    if missing_keys:
        return None
    header_cells = next((cells for row, cells in head if row == match.row), ())
    unknown = _unrecognised_headers(header_cells, match)
    for index, text in unknown:
        reporter.error(
            f"column {_letter(index)}'s header is not one of the {list_spec.label} columns, so"
            " its values would be lost; give it the Annex A header or remove the column",
            row=match.row,
            column=text,
            **where,
        )
    _report_missing_columns(list_spec, match, reporter, where)
    id_index = match.columns[_id_column(number)][0]
    id_header = match.columns[_id_column(number)][1].strip().casefold()
    headed = _headed_positions(header_cells)
    width = max(headed, default=-1) + 1
    gaps = [i for i in range(width) if i not in headed]  # blank headers between named ones
    data_rows = []
    after_header = chain((r for r in head if r[0] > match.row), rest)
    for excel_row, cells in after_header:
        # Most rows have a child id, which makes them not blank without looking further.
        child = cells[id_index] if id_index < len(cells) else None
        no_id = child is None or (type(child) is str and not child.strip())
        if no_id and _blank(cells):
            continue
        if _repeats_header(cells, id_index, id_header):
            continue
        extra = _values_without_header(cells, gaps, width)
        if extra:
            reporter.error(
                lambda extra=extra: (
                    f"the row has {len(extra)} value{'s' if len(extra) != 1 else ''} in"
                    f" columns without a header ({', '.join(_letter(i) for i in extra[:5])}"
                    f"{'...' if len(extra) > 5 else ''}): more values than the header has"
                    f" columns ({len(headed)}); they would be lost"
                ),
                row=excel_row,
                kind="values in columns without a header",
                **where,
            )
        data_rows.append((excel_row, cells))
    return ListTable(
        spec=list_spec,
        sheet=sheet,
        header_row=match.row,
        columns=match.columns,
        rows=data_rows,
    )


def _headed_positions(header_cells: Sequence[object]) -> set[int]:
    return {
        i
        for i, cell in enumerate(header_cells)
        if cell is not None and not isinstance(cell, CellError) and str(cell).strip()
    }


def _unrecognised_headers(
    header_cells: Sequence[object], match: HeaderMatch
) -> list[tuple[int, str]]:
    """Header cells that name no column of the list (their values would be dropped)."""
    known = {index for index, _text in match.columns.values()}
    known |= {index for index, _text in match.duplicates}
    return [
        (i, str(header_cells[i]).strip())
        for i in sorted(_headed_positions(header_cells))
        if i not in known
    ]


def _values_without_header(cells: Sequence[object], gaps: list[int], width: int) -> list[int]:
    """Positions of the row's values that have no header above them."""
    positions = [*gaps, *range(width, len(cells))] if len(cells) > width else gaps
    return [i for i in positions if i < len(cells) and not _blank((cells[i],))]


def _report_missing_columns(
    list_spec: ListSpec, match: HeaderMatch, reporter: Reporter, where: dict[str, str]
) -> None:
    if "Gender" not in match.columns and "Sex" not in match.columns:
        reporter.warning(
            "no 'Gender' or 'Sex' column; sex is left blank", row=match.row, column="Sex", **where
        )
    for column in USED_COLUMNS.get(list_spec.number, ()):
        if column not in match.columns and column in list_spec.columns:
            reporter.warning(
                f"column '{column}' not found; what it holds is left blank",
                row=match.row,
                column=column,
                **where,
            )


def _report_missing_lists(lists: dict[int, ListTable | None], reporter: Reporter) -> None:
    for number, name in LIST_NAMES.items():
        if number not in lists and number not in NOT_READ:
            reporter.warning(
                f"List {number} ({name}) not found in the workbook; nothing from it is imported",
                table=f"List {number}",
            )


def _blank(cells: Sequence[object]) -> bool:
    for value in cells:
        if value is None:
            continue
        if isinstance(value, str):
            text = value.strip()
            if not text or text.upper() in EXCEL_ERRORS:
                continue
        elif isinstance(value, CellError):
            continue
        return False
    return True


def _repeats_header(cells: Sequence[object], id_index: int, id_header: str) -> bool:
    # Reports printed page by page repeat the header row; it is not data.
    if id_index >= len(cells) or not isinstance(cells[id_index], str):
        return False
    return cells[id_index].strip().casefold() == id_header


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
