"""The entry points, one per kind of source: each makes its source ready (`Prepared`) and
hands it to run_import."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Unpack

from lineofsight.casework import schema
from lineofsight.casework.models import SourceKind
from lineofsight.web.errors import ServiceError

from .. import encodings, returns, ssd, staging
from ..annex_a import read_annex_a
from ..cin_census import read_cin_census
from ..models import ImportRun
from ..problems import ParsedExtract, Problem, Severity
from ..ssda903 import read_ssda903
from .census import (
    add_census,
    carry_forward,
    census_target,
    extract_professionals,
    snapshot_professionals,
)
from .execute import run_import
from .options import ImportOptions, Prepared


def ssd_extract_import(
    *, directory: Path, census: Path | None = None, **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import a folder holding one CSV file per SSD table, and with it, when `census` names
    one, a workforce census (CSWW) XML return matched to the extract's professionals."""
    directory = Path(directory)

    def prepare(work: Path) -> Prepared:
        listing = ssd.list_extract(directory)
        prepared = Prepared(files=listing.files, problems=listing.problems, label=directory.name)
        if census is not None:
            add_census(prepared, Path(census), work, extract_professionals(listing))
        return prepared

    return run_import(
        source_kind=SourceKind.SSD, source_name=str(directory), prepare=prepare, options=options
    )


def _unknown_tables(parsed: ParsedExtract, label: str) -> list[Problem]:
    """A warning for each table a reader gave that the snapshot has no place for."""
    return [
        Problem(
            Severity.WARNING,
            "This is not a table Line of Sight uses, so it was not read.",
            table=name,
            source=label,
        )
        for name in staging.unknown_tables(parsed)
    ]


def parsed_extract_import(
    *,
    extract: ParsedExtract | Callable[[], ParsedExtract],
    source_kind: SourceKind | str = SourceKind.ANNEX_A,
    source_name: str = "",
    **options: Unpack[ImportOptions],
) -> ImportRun:
    """Import rows a reader produced. `extract` may be a function that reads them, so that
    reading is timed as the run's read phase."""

    def prepare(work: Path) -> Prepared:
        parsed = extract() if callable(extract) else extract
        label = source_name or (parsed.files[0].name if parsed.files else "")
        problems = [*parsed.problems, *_unknown_tables(parsed, label)]
        files = staging.extract_to_csv(parsed, work, label)
        return Prepared(
            files=files,
            problems=problems,
            label=label,
            fingerprint=[Path(p) for p in parsed.files if Path(p).is_file()],
            source_fields=dict(parsed.fields),
            encodings=dict(getattr(parsed, "encodings", {})),
        )

    return run_import(
        source_kind=source_kind, source_name=source_name, prepare=prepare, options=options
    )


def annex_a_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import an Ofsted Annex A workbook (.xlsx or .xls)."""
    path = Path(path)

    def read() -> ParsedExtract:
        parsed = read_annex_a(path, as_at=options.get("as_at"))
        if not parsed.files:
            parsed.files = [path]
        return parsed

    return parsed_extract_import(
        extract=read,
        source_kind=SourceKind.ANNEX_A,
        source_name=source_name or path.name,
        **options,
    )


def cin_census_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import a DfE children in need census return (XML) as a snapshot, as at its census date
    unless `as_at` is given (docs/imports-cin-census.md)."""
    path = Path(path)
    parsed = read_cin_census(path)
    return _return_import(
        parsed, parsed.reference_date, SourceKind.CIN_CENSUS, source_name or path.name, options
    )


def ssda903_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Import a DfE children looked after return (SSDA903): a folder of its CSV tables or its
    XML file, as at the end of its collection year unless `as_at` is given
    (docs/imports-ssda903.md)."""
    path = Path(path)
    parsed = read_ssda903(path, encoding=encodings.setting())
    return _return_import(
        parsed, parsed.year_end, SourceKind.SSDA903, source_name or path.name, options
    )


def _return_import(
    parsed: ParsedExtract,
    own_date: datetime.date | None,
    kind: SourceKind,
    name: str,
    options: ImportOptions,
) -> ImportRun:
    """A return read before its run starts (its own date, the run's as-at date unless one is
    given, is in the file), imported as any reader's rows are."""
    options = {**options, "as_at": options.get("as_at") or own_date}
    return parsed_extract_import(extract=parsed, source_kind=kind, source_name=name, **options)


class NoReturns(ServiceError):
    """A combined import of returns was asked for without a return to import."""


def returns_import(
    *,
    cin: Path | None = None,
    ssda903: Path | None = None,
    csww_file: Path | None = None,
    case_notes: Path | None = None,
    source_name: str = "",
    **options: Unpack[ImportOptions],
) -> ImportRun:
    """Import the council's statutory returns together into one snapshot: a CIN census, an
    SSDA903 return, a workforce census and a case notes file (SSD case_notes columns), any of
    them, at least one of the first two. Children both returns describe are one child
    (returns.merge_returns); the as-at date is the later of the returns' own dates unless
    `as_at` is given."""
    if cin is None and ssda903 is None:
        raise NoReturns(
            "Give a CIN census (--cin FILE) or an SSDA903 return (--ssda903 PATH), or both."
        )
    parts: list[ParsedExtract] = []
    dates: list[datetime.date] = []
    if cin is not None:
        census = read_cin_census(Path(cin))
        parts.append(census)
        dates += [census.reference_date] if census.reference_date else []
    if ssda903 is not None:
        looked_after = read_ssda903(Path(ssda903), encoding=encodings.setting())
        parts.append(looked_after)
        dates += [looked_after.year_end] if looked_after.year_end else []
    merged = returns.merge_returns(parts)
    options.setdefault("as_at", None)
    options["as_at"] = options["as_at"] or (max(dates) if dates else None)
    names = [Path(p).name for p in (cin, ssda903, csww_file, case_notes) if p is not None]
    label = source_name or " + ".join(names)

    def prepare(work: Path) -> Prepared:
        problems = [*merged.problems, *_unknown_tables(merged, label)]
        prepared = Prepared(
            files=staging.extract_to_csv(merged, work / "returns", label),
            problems=problems,
            label=label,
            fingerprint=[Path(p) for p in merged.files if Path(p).is_file()],
            source_fields=dict(merged.fields),
            encodings=dict(merged.encodings),
        )
        if case_notes is not None:
            notes = Path(case_notes)
            prepared.files.append(ssd.SourceFile(path=notes, table="case_notes"))
            prepared.fingerprint = [*(prepared.fingerprint or []), notes]
            prepared.source_fields.pop("case_notes", None)
        if csww_file is not None:
            add_census(prepared, Path(csww_file), work / "census", [])
            prepared.fingerprint = [*(prepared.fingerprint or []), Path(csww_file)]
        return prepared

    return run_import(
        source_kind=SourceKind.RETURNS, source_name=label, prepare=prepare, options=options
    )


def csww_import(
    *, path: Path, source_name: str = "", **options: Unpack[ImportOptions]
) -> ImportRun:
    """Add a workforce census (CSWW XML) to the current snapshot's casework: a new snapshot
    holding the current one's tables as they are, and the census's tables in place of any
    earlier census, validated and published like every import. Its as-at date and source kind
    are the current snapshot's. NoSnapshotForCensus when nothing has been imported yet."""
    path = Path(path)
    current = census_target()

    def prepare(work: Path) -> Prepared:
        files = carry_forward(current, work / "current")
        prepared = Prepared(
            files=files,
            label=path.name,
            fingerprint=[path],
            source_fields={
                t: f for t, f in current.source_fields.items() if t not in schema.WORKFORCE_TABLES
            },
        )
        add_census(prepared, path, work / "census", snapshot_professionals(current))
        return prepared

    return run_import(
        source_kind=current.source_kind,
        source_name=source_name
        or f"{path.name} (workforce census, added to snapshot {current.pk})",
        prepare=prepare,
        options={**options, "as_at": current.as_at},
    )
