"""The DfE children looked after return (SSDA903), read into the snapshot's SSD tables.

    parsed = read_ssda903(folder_or_xml)     # Ssda903Extract: SSD tables, problems, year end
    parsed.year_end                          # 31 March ending the collection year, for as-at

A council keeps the return either as its CSV tables (one file a table: header, episodes,
reviews, uasc, oc2, oc3, missing, prev_perm, sw_episodes, placed_for_adoption, ad1; named as the
council saves them, "header.csv" or "SSDA903_2025_header.csv": the table is found by its word in
the name) or as one XML file (a CHILD element per child: its HEADER with AREVIEW, AMISSING, OC2,
PERMANENCE and AD_PLACED inside, and its EPISODEs). Both are read into the same rows, then mapped:

- header -> ssd_person (CHILD, DOB, SEX or the older GENDER column, ETHNIC, UPN's "unknown"
  codes, MOTHER);
- episodes -> ssd_cla_episodes, one per row (DECOM, RNE, CIN, DEC, REC), grouped into periods of
  care (a period starts with RNE S, after a gap, or after an episode that ended care), into
  placements (a new one at every episode whose RNE says the placement changed: P, T, B, U) and
  into legal statuses (a new one where LS changes);
- reviews -> ssd_cla_reviews (REVIEW, REVIEW_CODE), linked to the period of care they fall in;
- missing -> ssd_missing; oc3 -> ssd_care_leavers (IN_TOUCH, ACTIV, ACCOM split into the
  accommodation and its suitability); sw_episodes -> ssd_involvements.
uasc, oc2, prev_perm, placed_for_adoption and ad1 are checked but have no SSD table here.

The return has no record ids, so they are made from the child and the record's date
("903E-<child>-<yyyymmdd>" for an episode; "-2" and so on for a second record on one day), and
the same file always gives the same ids. docs/imports-ssda903.md says what goes where and what
the return cannot tell.

Codes follow the DfE specification for 2024-25 and 2025-26: a code of either year is accepted
(K3 from 2024-25; Z11 to Z14, which replace Z1, from 2025-26). The SSD's placement types predate
K3 and Z11 to Z14, so each is stored as the code it replaced (H5, Z1): NEWER_PLACEMENT_TYPES.
Sex is M, F or U; the 1 and 2 of earlier years (and a GENDER column) are read as M and F.

Every problem names the file, the table word and row (CSV, the header row is row 1) or the XML
element path, the field and the value. Errors (the import is refused): a missing header or
episodes table or key column, a date that is not a date, an end before its start, overlapping
episodes, a child missing from the header, two different header rows for one child. Warnings: an
unknown column or code, an exact duplicate row (read once), a date after the collection year.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from lineofsight.casework import codewords, schema

from . import encodings
from .problems import ParsedExtract, Problem, Severity

# --- the return's tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    word: str  # how the table is named, in its file name
    columns: tuple[str, ...]
    keys: tuple[str, ...]  # without these columns the table is not read
    dates: tuple[str, ...] = ()


_SEX = ("SEX", "GENDER")  # one or the other: the return renamed GENDER to SEX
TABLES: dict[str, TableSpec] = {
    spec.word: spec
    for spec in (
        TableSpec(
            "header", ("CHILD", *_SEX, "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"), ("CHILD",),
            ("DOB", "MC_DOB"),
        ),
        TableSpec(
            "episodes",
            (
                "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
            ),
            ("CHILD", "DECOM"),
            ("DECOM", "DEC"),
        ),
        TableSpec("reviews", ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"), ("CHILD", "REVIEW"),
                  ("DOB", "REVIEW")),
        TableSpec("uasc", ("CHILD", *_SEX, "DOB", "DUC"), ("CHILD",), ("DOB", "DUC")),
        TableSpec(
            "oc2",
            (
                "CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
                "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
                "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED",
            ),
            ("CHILD",),
            ("DOB",),
        ),
        TableSpec("oc3", ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"), ("CHILD",), ("DOB",)),
        TableSpec("missing", ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
                  ("CHILD", "MIS_START"), ("DOB", "MIS_START", "MIS_END")),
        TableSpec("prev_perm", ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"), ("CHILD",),
                  ("DOB",)),
        TableSpec("sw_episodes", ("CHILD", "DOB", "SW_ID", "SW_DECOM", "SW_DEC", "SW_REASON"),
                  ("CHILD", "SW_DECOM"), ("DOB", "SW_DECOM", "SW_DEC")),
        TableSpec(
            "placed_for_adoption",
            ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED", "REASON_PLACED_CEASED"),
            ("CHILD",),
            ("DOB", "DATE_PLACED", "DATE_PLACED_CEASED"),
        ),
        TableSpec(
            "ad1",
            ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
             "LS_ADOPTR"),
            ("CHILD",),
            ("DOB", "DATE_INT", "DATE_MATCH"),
        ),
    )
}  # fmt: skip
REQUIRED_TABLES = ("header", "episodes")
# PREV_PERM's DATE_PERM may be a part date ("zz/10/2019"), so it is kept as text, not checked.

# Which SSD tables each of the return's tables gives (present even when it has no rows).
SSD_TABLES_BY_TABLE: dict[str, tuple[str, ...]] = {
    "header": ("ssd_person",),
    "episodes": ("ssd_cla_episodes", "ssd_cla_placement", "ssd_legal_status"),
    "reviews": ("ssd_cla_reviews",),
    "missing": ("ssd_missing",),
    "oc3": ("ssd_care_leavers",),
    "sw_episodes": ("ssd_involvements",),
}
# The fields the return can fill, per SSD table: pages say the rest are not known, not "none".
FIELDS: dict[str, list[str]] = {
    "ssd_person": [
        "pers_person_id", "pers_sex", "pers_ethnicity", "pers_dob", "pers_upn_unknown",
        "pers_is_mother",
    ],
    "ssd_cla_episodes": [
        "clae_cla_episode_id", "clae_person_id", "clae_cla_episode_start_date",
        "clae_cla_episode_start_reason", "clae_cla_primary_need_code",
        "clae_cla_episode_ceased_date", "clae_cla_episode_ceased_reason", "clae_cla_id",
        "clae_cla_placement_id", "clae_entered_care_date",
    ],
    "ssd_cla_placement": [
        "clap_cla_placement_id", "clap_cla_placement_start_date", "clap_cla_placement_type",
        "clap_cla_placement_urn", "clap_cla_id", "clap_cla_placement_provider",
        "clap_cla_placement_postcode", "clap_cla_placement_end_date",
        "clap_cla_placement_change_reason", "clap_person_id",
    ],
    "ssd_legal_status": [
        "lega_legal_status_id", "lega_person_id", "lega_legal_status",
        "lega_legal_status_start_date", "lega_legal_status_end_date",
    ],
    "ssd_cla_reviews": [
        "clar_cla_review_id", "clar_cla_id", "clar_cla_review_date", "clar_cla_review_cancelled",
        "clar_cla_review_participation",
    ],
    "ssd_missing": [
        "miss_table_id", "miss_person_id", "miss_missing_episode_start_date",
        "miss_missing_episode_type", "miss_missing_episode_end_date",
    ],
    "ssd_care_leavers": [
        "clea_table_id", "clea_person_id", "clea_care_leaver_in_touch",
        "clea_care_leaver_accommodation", "clea_care_leaver_accom_suitable",
        "clea_care_leaver_activity",
    ],
    "ssd_involvements": [
        "invo_involvements_id", "invo_professional_id", "invo_professional_role_id",
        "invo_involvement_start_date", "invo_involvement_end_date", "invo_worker_change_reason",
        "invo_person_id",
    ],
}  # fmt: skip
SOCIAL_WORKER_ROLE = "Social Worker"

# --- codes (2024-25 and 2025-26) ----------------------------------------------------------------

SEX_CODES = {"M": "M", "F": "F", "U": "U", "1": "M", "2": "F"}  # 1 and 2: the years before 2024
ETHNICITY_CODES = frozenset(
    (
        "WBRI", "WIRI", "WOTH", "WIRT", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
        "ABAN", "CNHE", "AOTH", "BCRB", "BAFR", "BOTH", "OOTH", "REFU", "NOBT",
    )
)  # fmt: skip
ETHNICITY_ALIASES = {"CHNE": "CNHE"}  # the return spells Chinese CHNE; the SSD and CIN, CNHE
# Placement types the return added after the SSD's code list was written, each with what it means
# and the SSD placement type it is stored as. The SSD (and so the snapshot's code check and the
# words pages show) knows only the older codes; the DfE itself counts an H5 placement re-coded
# K3, or a Z1 re-coded Z11 to Z14, as the same placement, so each is stored as the code it replaced.
NEWER_PLACEMENT_TYPES: dict[str, tuple[str, str]] = {
    "K3": ("Supported accommodation registered with Ofsted, for young people aged 16 or 17 "
           "(from 2024-25)", "H5"),
    "Z11": ("Other placement (code Z11, one of the four that replace Z1 from 2025-26)", "Z1"),
    "Z12": ("Other placement (code Z12, one of the four that replace Z1 from 2025-26)", "Z1"),
    "Z13": ("Other placement (code Z13, one of the four that replace Z1 from 2025-26)", "Z1"),
    "Z14": ("Other placement (code Z14, one of the four that replace Z1 from 2025-26)", "Z1"),
}  # fmt: skip
PLACEMENT_TYPE_IN_SSD = {code: ssd for code, (_meaning, ssd) in NEWER_PLACEMENT_TYPES.items()}
PLACEMENT_TYPES = frozenset(codewords.PLACEMENT_TYPE) | frozenset(NEWER_PLACEMENT_TYPES)
CATEGORY_OF_NEED = frozenset(f"N{i}" for i in range(1, 9))
ACTIVITY_CODES = frozenset(["F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"])
ACCOMMODATION_CODES = frozenset(
    (
        "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1",
        "R2", "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2",
    )
)  # fmt: skip
NOT_KNOWN = "0"  # ACTIV and ACCOM when the young person's activity or home is not known
MISSING_CODES = frozenset({"M", "A"})
PLACEMENT_CHANGED = frozenset({"P", "T", "B", "U"})  # RNE codes that begin a new placement
CARE_ENDED_SAME_DAY = "X1"  # REC: the episode ended and the next began on the same day

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
# CSV tables are read this many bytes at a time, never whole.
CSV_BLOCK_SIZE = 1024 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")  # as a file opened with newline="" ends its lines
# The same problem in the same column is listed this many times, then counted in one line.
REPEAT_LIMIT = 20
_YEAR_IN_NAME = re.compile(r"(?<!\d)(20\d\d)(?:[-_ ]?(\d\d))?(?!\d)")


@dataclass
class Ssda903Extract(ParsedExtract):
    """A ParsedExtract with the collection year: `year_end` is the 31 March that ends it (the
    import's as-at date), `year_end_from` says how it was known; `encodings` names the text
    encoding each CSV file was read in."""

    year_end: datetime.date | None = None
    year_end_from: str = ""
    encodings: dict[str, str] = field(default_factory=dict)


@dataclass
class _Row:
    """One row of one of the return's tables, from a CSV file or an XML element."""

    table: str
    values: dict[str, str]  # column -> text; empty cells are left out
    source: str
    row: int | None = None  # CSV row number (the header row is 1)
    path: str = ""  # XML element path

    @property
    def child(self) -> str:
        return self.values.get("CHILD", "")

    def where(self) -> dict[str, Any]:
        return {"source": self.source, "table": self.path or self.table, "row": self.row}


# --- reading ------------------------------------------------------------------------------------


class _Report:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self._counts: Counter = Counter()

    def add(
        self,
        severity: Severity,
        message: str,
        *,
        row: _Row | None = None,
        field: str = "",
        value: str = "",
        kind: str = "",
        source: str = "",
        table: str = "",
    ) -> None:
        where = row.where() if row is not None else {"source": source, "table": table, "row": None}
        key = (severity, where["source"], row.table if row else table, field, kind or message)
        self._counts[key] += 1
        if self._counts[key] > REPEAT_LIMIT:
            return
        self.problems.append(Problem(severity, message, field=field, value=value, **where))

    def mark(self) -> tuple[int, Counter]:
        """Where the report is now, for `rollback`."""
        return len(self.problems), self._counts.copy()

    def rollback(self, mark: tuple[int, Counter]) -> None:
        """Forget every problem added since `mark`."""
        del self.problems[mark[0] :]
        self._counts = mark[1]

    def error(self, message: str, **kw: Any) -> None:
        self.add(Severity.ERROR, message, **kw)

    def warning(self, message: str, **kw: Any) -> None:
        self.add(Severity.WARNING, message, **kw)

    def finish(self) -> list[Problem]:
        for (severity, source, table, column, kind), n in self._counts.items():
            if n > REPEAT_LIMIT:
                self.problems.append(
                    Problem(
                        severity,
                        f"{n - REPEAT_LIMIT} more like this ({kind}); only the first "
                        f"{REPEAT_LIMIT} are listed",
                        table=table,
                        field=column,
                        source=source,
                    )
                )
        return self.problems


def table_of(name: str) -> str | None:
    """The return's table a file name names ("SSDA903_2025_Episodes.csv" -> "episodes")."""
    squashed = re.sub(r"[^a-z0-9]", "", Path(name).stem.lower())
    # Longest first: "sw_episodes" also holds the word "episodes".
    for word in sorted(TABLES, key=len, reverse=True):
        if word.replace("_", "") in squashed:
            return word
    return None


def _read_folder(folder: Path, extract: Ssda903Extract, report: _Report, encoding: str | None):
    rows: dict[str, list[_Row]] = {}
    found: dict[str, Path] = {}
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        if path.suffix.lower() != ".csv":
            continue
        word = table_of(path.name)
        if word is None:
            report.warning(
                "this CSV file's name names none of the return's tables (header, episodes, "
                "reviews, ...); it was not read",
                source=path.name,
            )
            continue
        if word in found:
            report.error(
                f"two files for the {word} table: {found[word].name} and {path.name}; keep one",
                source=path.name,
                table=word,
            )
            continue
        found[word] = path
        extract.files.append(path)
        read = _read_csv(path, word, report, encoding)
        if read is not None:
            rows[word], extract.encodings[path.name] = read
    return rows


def _read_csv(
    path: Path, word: str, report: _Report, encoding: str | None
) -> tuple[list[_Row], str] | None:
    """The table's rows and the label of the encoding it was read in, reading the file a block
    at a time: a council's episodes table may be larger than the memory an import may use."""
    source = path.name
    before = report.mark()
    try:
        with path.open("rb") as stream:
            found = encodings.sniff(stream.read(4), configured=encoding)
            stream.seek(found.byte_order_mark)
            rows = _read_rows(csv.reader(_lines(stream, found)), word, source, report)
    except (encodings.EncodingError, OSError) as exc:
        # The file is refused whole, as when the text was read at once: what was already said
        # about its first rows no longer applies.
        report.rollback(before)
        message = (
            str(exc)
            if isinstance(exc, encodings.EncodingError)
            else f"the file cannot be read: {exc.strerror or exc}"
        )
        report.error(message, source=source, table=word)
        return None
    return None if rows is None else (rows, found.label)


def _lines(stream: BinaryIO, found: encodings.Encoding) -> Iterator[str]:
    """The text of `stream` (after its byte-order mark) line by line, each with its line end,
    as csv.reader reads a file opened with newline="". EncodingError names the first line and
    byte that are not text in `found`'s encoding."""
    decoder = codecs.getincrementaldecoder(found.codec)()
    offset = newlines = 0  # bytes read and line ends decoded so far
    pending = ""
    while True:
        block = stream.read(CSV_BLOCK_SIZE)
        final = not block
        buffered = decoder.getstate()[0]
        try:
            text = decoder.decode(block, final=final)
        except UnicodeDecodeError as exc:
            done = exc.object[: exc.start].decode(found.codec, "replace")
            line = newlines + done.count("\n") + 1
            at = offset - len(buffered) + exc.start + 1
            raise encodings.EncodingError(
                f"The file is not valid {found.label} text at line {line} (byte {at})."
                + encodings._advice(found)
            ) from None
        offset += len(block)
        newlines += text.count("\n")
        pending += text
        start = 0
        for end in _LINE_END.finditer(pending):
            if end.group() == "\r" and end.end() == len(pending) and not final:
                break  # the "\n" of a "\r\n" may begin the next block
            yield pending[start : end.end()]
            start = end.end()
        pending = pending[start:]
        if final:
            if pending:
                yield pending
            return


def _read_rows(reader: Any, word: str, source: str, report: _Report) -> list[_Row] | None:
    spec = TABLES[word]
    try:
        header = next(reader, None)
    except csv.Error as exc:
        report.error(f"the file is not readable CSV: {exc}", source=source, table=word)
        return None
    if header is None or not any(h.strip() for h in header):
        report.error("the file is empty: it has no header row", source=source, table=word)
        return None
    columns = [h.strip().upper() for h in header]
    where = {"source": source, "table": word}
    for column in dict.fromkeys(columns):
        if column and columns.count(column) > 1:
            report.warning(
                "the column appears more than once; only the first is read", field=column, **where
            )
        if column and column not in spec.columns:
            report.warning(
                f"unknown column for the {word} table; it was not read", field=column, **where
            )
    missing_keys = [k for k in spec.keys if k not in columns]
    for key in missing_keys:
        report.error(
            f"the {word} table has no {key} column, so it cannot be read", field=key, **where
        )
    if missing_keys:
        return None
    for column in spec.columns:
        if column in _SEX and word in ("header", "uasc"):
            continue
        if column not in columns and column not in spec.keys:
            report.warning(f"column {column} not found; what it holds is left blank",
                           field=column, **where)  # fmt: skip
    if word == "header" and not set(_SEX) & set(columns):
        report.warning("no SEX (or GENDER) column; sex is left blank", field="SEX", **where)
    first = {c: i for i, c in reversed(list(enumerate(columns))) if c}
    rows = []
    try:
        for number, cells in enumerate(reader, start=2):
            values = {
                c: cells[i].strip() for c, i in first.items() if i < len(cells) and cells[i].strip()
            }
            if not values:
                continue
            row = _Row(word, values, source, row=number)
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                report.warning(
                    "the row has more values than the header has columns; the extra ones "
                    "were not read",
                    row=row,
                    kind="values beyond the header",
                )
            rows.append(row)
    except csv.Error as exc:
        report.error(f"the file is not readable CSV: {exc}", source=source, table=word)
        return None
    return rows


# XML: the elements a CHILD holds, and the table each becomes.
_XML_TAG_RENAMES = {"CHILDID": "CHILD", "PL": "PLACE"}
_XML_NESTED = {
    "AREVIEW": "reviews",
    "AMISSING": "missing",
    "OC2": "oc2",
    "PERMANENCE": "prev_perm",
    "AD_PLACED": "placed_for_adoption",
}
# Leaves of HEADER that belong to other tables (the CSV form splits them out).
_XML_HEADER_TABLES = {
    "uasc": ("UASC", "DUC"),
    "oc3": ("IN_TOUCH", "ACTIV", "ACCOM"),
    "ad1": TABLES["ad1"].columns[2:],
}
_XML_HEADER_KNOWN = frozenset(
    {*TABLES["header"].columns, "CHILDID", "UASC", "DUC", *_XML_HEADER_TABLES["oc3"],
     *_XML_HEADER_TABLES["ad1"]}
)  # fmt: skip


def _leaves(node: Element) -> dict[str, str]:
    return {
        _XML_TAG_RENAMES.get(leaf.tag, leaf.tag): (leaf.text or "").strip()
        for leaf in node
        if len(leaf) == 0
    }


def _read_xml(path: Path, source: str, report: _Report) -> tuple[dict[str, list[_Row]], Any]:
    """The return's CHILD records as rows, read as a stream: each CHILD is let go once read,
    so a large return is never held whole in memory. Also gives the root element, which
    keeps only what is not a CHILD (the header with the collection details)."""
    rows: dict[str, list[_Row]] = {word: [] for word in TABLES if word != "sw_episodes"}
    unknown: set[str] = set()
    root = None
    stack: list[Element] = []
    count = 0
    try:
        for event, node in ElementTree.iterparse(str(path), events=("start", "end")):
            if event == "start":
                if root is None:
                    root = node
                stack.append(node)
                continue
            stack.pop()
            if node.tag == "CHILD":
                count += 1
                _read_xml_child(node, f"{root.tag}/CHILD[{count}]", rows, unknown, source, report)
                if stack:
                    stack[-1].remove(node)  # done with it: keep memory flat
    except ParseError as exc:
        line, column = getattr(exc, "position", (None, None))
        report.error(
            f"the file is not well-formed XML (line {line}, column {column}): "
            f"{str(exc).split(':')[0]}; export the return again from the case system",
            source=source,
        )
        return {}, None
    except DefusedXmlException as exc:
        report.error(
            f"the file uses XML features that are not allowed here ({type(exc).__name__})",
            source=source,
        )
        return {}, None
    except OSError as exc:
        report.error(f"the file cannot be read: {exc.strerror or exc}", source=source)
        return {}, None
    except LookupError as exc:
        report.error(f"the file declares an encoding no XML reader knows ({exc})", source=source)
        return {}, None
    if not rows["header"]:
        report.error(
            f"no CHILD records found (the root element is {root.tag}); is this an SSDA903 return?",
            source=source,
        )
    return rows, root


def _read_xml_child(
    child: Element,
    here: str,
    rows: dict[str, list[_Row]],
    unknown: set[str],
    source: str,
    report: _Report,
) -> None:
    """One CHILD's header, its nested records and its episodes, added to `rows`."""
    header = child.find("HEADER")
    if header is None:
        report.error("the CHILD has no HEADER, so the child is not known", source=source,
                     table=here)  # fmt: skip
        return
    head = _leaves(header)
    child_id = head.get("CHILD", "")

    def keep(values: dict[str, str], word: str, at: str) -> None:
        filled = {k: v for k, v in values.items() if v}
        filled["CHILD"] = child_id
        rows[word].append(_Row(word, filled, source, path=at))

    keep({k: v for k, v in head.items() if k in TABLES["header"].columns}, "header",
         f"{here}/HEADER")  # fmt: skip
    for word, tags in _XML_HEADER_TABLES.items():
        values = {t: head[t] for t in tags if head.get(t)}
        if word == "uasc" and values.get("UASC") in (None, "0"):
            continue  # not an unaccompanied asylum-seeking child
        if values:
            values.pop("UASC", None)
            keep({**values, "DOB": head.get("DOB", "")}, word, f"{here}/HEADER")
    for tag in head:
        if tag not in _XML_HEADER_KNOWN and tag not in unknown:
            unknown.add(tag)
            report.warning("unknown element in HEADER; it was not read", source=source,
                           table=f"{here}/HEADER", field=tag)  # fmt: skip
    counts: Counter = Counter()
    for part in header:
        word = _XML_NESTED.get(part.tag)
        if word is None:
            if len(part) and part.tag not in unknown:
                unknown.add(part.tag)
                report.warning("unknown element in HEADER; it was not read", source=source,
                               table=f"{here}/HEADER", field=part.tag)  # fmt: skip
            continue
        counts[part.tag] += 1
        keep({**_leaves(part), "DOB": head.get("DOB", "")}, word,
             f"{here}/HEADER/{part.tag}[{counts[part.tag]}]")  # fmt: skip
    for m, episode in enumerate(child.findall("EPISODE"), start=1):
        keep(_leaves(episode), "episodes", f"{here}/EPISODE[{m}]")
    for part in child:
        if part.tag not in ("HEADER", "EPISODE") and part.tag not in unknown:
            unknown.add(part.tag)
            report.warning("unknown element in CHILD; it was not read", source=source,
                           table=here, field=part.tag)  # fmt: skip


def _year_from_xml(root: Any) -> int | None:
    details = root.find(".//CollectionDetails") if root is not None else None
    if details is None:
        return None
    reference = (details.findtext("ReferenceDate") or "").strip()
    try:
        return _march_after(datetime.date.fromisoformat(reference[:10])).year
    except ValueError:
        pass
    year = (details.findtext("Year") or "").strip()
    return int(year) if year.isdigit() and len(year) == 4 else None


def _year_from_names(names: Iterable[str]) -> int | None:
    years = set()
    for name in names:
        for first, second in _YEAR_IN_NAME.findall(name):
            start = int(first)
            # "2024-25" and "202425" name the year ending in 2025; "2025" alone, that year.
            years.add(start + 1 if second and int(second) == (start + 1) % 100 else start)
    return years.pop() if len(years) == 1 else None


def _march_after(day: datetime.date) -> datetime.date:
    """The 31 March on or after `day`: the end of the collection year it falls in."""
    end = datetime.date(day.year, 3, 31)
    return end if day <= end else datetime.date(day.year + 1, 3, 31)


# --- values -------------------------------------------------------------------------------------


def parse_date(text: str) -> datetime.date | None:
    """A date written DD/MM/YYYY (the return's form) or YYYY-MM-DD; a time after it is ignored."""
    text = text.strip()
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text.split(" ")[0].split("T")[0], fmt).date()
        except ValueError:
            continue
    return None


def _compact(day: datetime.date | None, row: _Row) -> str:
    return day.strftime("%Y%m%d") if day else f"row{row.row or row.path}"


class _Mapper:
    def __init__(self, rows: dict[str, list[_Row]], report: _Report) -> None:
        self.rows = rows
        self.report = report
        self.out: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.used_ids: set[str] = set()
        self.dob: dict[str, tuple[datetime.date, _Row]] = {}
        self.children: set[str] = set()
        # child -> [(start, end or None, period id)], from the episodes
        self.periods: dict[str, list[tuple[datetime.date, datetime.date | None, str]]] = {}

    # values

    def date(self, row: _Row, column: str) -> datetime.date | None:
        raw = row.values.get(column)
        if raw is None:
            return None
        day = parse_date(raw)
        if day is None:
            self.report.error(
                f"{column} is not a date; write dates as DD/MM/YYYY",
                row=row,
                field=column,
                value=raw,
                kind="not a date",
            )
        return day

    def code(
        self,
        row: _Row,
        column: str,
        codes: Iterable[str],
        *,
        what: str,
        keep: bool = True,
        aliases: dict[str, str] | None = None,
    ) -> str | None:
        raw = row.values.get(column)
        if raw is None:
            return None
        value = raw.upper()
        value = (aliases or {}).get(value, value)
        if value in codes:
            return value
        kept = "kept as written" if keep else "left blank"
        self.report.warning(
            f"{value!r} is not an SSDA903 {what} code; {kept}",
            row=row,
            field=column,
            value=raw,
            kind=f"unknown {what}",
        )
        return value if keep else None

    def new_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def emit(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.out[table].append(row)
        return row

    # checks shared by the tables

    def unique_rows(self, word: str) -> list[_Row]:
        """The table's rows, an exact repeat of an earlier row reported and left out."""
        seen: dict[tuple, _Row] = {}
        kept = []
        for row in self.rows.get(word, ()):
            key = tuple(sorted(row.values.items()))
            if key in seen:
                first = seen[key]
                self.report.warning(
                    f"duplicate row: the same as {_place(first)}; it was read once",
                    row=row,
                    field="CHILD",
                    value=row.child,
                    kind="duplicate row",
                )
                continue
            seen[key] = row
            kept.append(row)
        return kept

    def known_child(self, row: _Row) -> bool:
        if not row.child:
            self.report.error(
                "the row has no CHILD id; it was not read", row=row, field="CHILD", kind="no CHILD"
            )
            return False
        if row.child not in self.children and "header" in self.rows:  # else one error says so
            self.report.error(
                f"child {row.child} is not in the header table: every child in the return "
                "must have a header row",
                row=row,
                field="CHILD",
                value=row.child,
                kind="child not in header",
            )
            return False
        return True

    def same_dob(self, row: _Row) -> None:
        dob = self.date(row, "DOB")
        known = self.dob.get(row.child)
        if dob is not None and known is not None and dob != known[0]:
            self.report.warning(
                f"DOB differs from the header's ({known[0]:%d/%m/%Y}, {_place(known[1])}); the "
                "header's is used",
                row=row,
                field="DOB",
                value=row.values["DOB"],
                kind="DOB differs from header",
            )

    def not_before(
        self, row: _Row, start: datetime.date | None, end: datetime.date | None, column: str
    ) -> bool:
        if start is not None and end is not None and end < start:
            self.report.error(
                f"{column} ({end:%d/%m/%Y}) is before the start ({start:%d/%m/%Y})",
                row=row,
                field=column,
                value=row.values[column],
                kind="end before start",
            )
            return False
        return True

    # the tables

    def header(self) -> None:
        by_child: dict[str, _Row] = {}
        for row in self.unique_rows("header"):
            child = row.child
            if not child:
                self.report.error("the row has no CHILD id; it was not read", row=row,
                                  field="CHILD")  # fmt: skip
                continue
            if child in by_child:
                self.report.error(
                    f"child {child} has a second header row ({_place(by_child[child])} is the "
                    "first) that differs from it; one child, one header row",
                    row=row,
                    field="CHILD",
                    value=child,
                )
                continue
            by_child[child] = row
            column = "SEX" if "SEX" in row.values else "GENDER"
            sex = self.code(row, column, SEX_CODES, what="sex", keep=False)
            dob = self.date(row, "DOB")
            if dob is not None:
                self.dob[child] = (dob, row)
            upn = row.values.get("UPN", "").upper()
            mother = row.values.get("MOTHER")
            if mother is not None and mother not in ("0", "1"):
                self.report.warning("MOTHER must be 1 or 0; left blank", row=row, field="MOTHER",
                                    value=mother)  # fmt: skip
            self.date(row, "MC_DOB")
            self.children.add(child)
            self.emit(
                "ssd_person",
                {
                    "pers_person_id": child,
                    "pers_sex": SEX_CODES.get(sex or ""),
                    "pers_ethnicity": self.code(
                        row, "ETHNIC", ETHNICITY_CODES, what="ethnicity",
                        aliases=ETHNICITY_ALIASES,
                    ),
                    "pers_dob": dob,
                    "pers_upn_unknown": upn if re.fullmatch(r"UN[1-5]", upn) else None,
                    "pers_is_mother": {"1": "Y", "0": "N"}.get(mother or ""),
                },
            )  # fmt: skip

    def episodes(self) -> None:
        by_child: dict[str, list[tuple[datetime.date, _Row]]] = defaultdict(list)
        for row in self.unique_rows("episodes"):
            if not self.known_child(row):
                continue
            start, end = self.date(row, "DECOM"), self.date(row, "DEC")
            if start is None:
                if "DECOM" not in row.values:
                    self.report.error("DECOM (the date the episode began) is empty", row=row,
                                      field="DECOM", kind="no DECOM")  # fmt: skip
                continue
            if not self.not_before(row, start, end, "DEC"):
                continue
            by_child[row.child].append((start, row))
        for child, listed in by_child.items():
            listed.sort(key=lambda item: item[0])
            self._child_episodes(child, listed)

    def _child_episodes(self, child: str, listed: list[tuple[datetime.date, _Row]]) -> None:
        period_id = placement = legal = None
        previous: tuple[datetime.date, datetime.date | None, _Row, str | None] | None = None
        entered: datetime.date | None = None
        for start, row in listed:
            end = parse_date(row.values.get("DEC", ""))
            rne = self.code(row, "RNE", codewords.CLA_START_REASON, what="reason for new episode")
            rec = self.code(row, "REC", codewords.CLA_CEASED_REASON, what="reason episode ceased")
            ls = self.code(row, "LS", codewords.LEGAL_STATUS, what="legal status")
            new_period = previous is None or rne == "S"
            if previous is not None:
                p_start, p_end, p_row, p_rec = previous
                if p_end is None or start < p_end:
                    ended = "is still open" if p_end is None else f"ends {p_end:%d/%m/%Y}"
                    self.report.error(
                        f"this episode (from {start:%d/%m/%Y}) overlaps the child's episode "
                        f"from {p_start:%d/%m/%Y} ({_place(p_row)}), which {ended}",
                        row=row,
                        field="DECOM",
                        value=row.values["DECOM"],
                        kind="overlapping episodes",
                    )
                elif start > p_end or (p_rec and p_rec != CARE_ENDED_SAME_DAY):
                    new_period = True
                    if rne != "S":
                        self.report.warning(
                            f"the episode begins a new period of care (the one before ended "
                            f"{p_end:%d/%m/%Y} with {p_rec or 'no reason'}) but its RNE is "
                            f"{rne or 'blank'}, not S",
                            row=row,
                            field="RNE",
                            value=row.values.get("RNE", ""),
                            kind="new period without RNE S",
                        )
            if new_period:
                entered = start
                period_id = self.new_id(f"903C-{child}-{_compact(start, row)}")
                self.periods.setdefault(child, []).append((start, None, period_id))
            place_values = tuple(row.values.get(c) for c in ("PLACE", "PLACE_PROVIDER", "URN",
                                                              "PL_POST"))  # fmt: skip
            if (
                new_period
                or placement is None
                or rne in PLACEMENT_CHANGED
                or (rne not in codewords.CLA_START_REASON and place_values != placement[1])
            ):
                placement = (self._placement(child, row, start, period_id), place_values)
            else:
                placement[0]["clap_cla_placement_end_date"] = end
                placement[0]["clap_cla_placement_change_reason"] = self._change_reason(row)
            if new_period or legal is None or ls != legal["lega_legal_status"]:
                legal = self.emit(
                    "ssd_legal_status",
                    {
                        "lega_legal_status_id": self.new_id(f"903L-{child}-{_compact(start, row)}"),
                        "lega_person_id": child,
                        "lega_legal_status": ls,
                        "lega_legal_status_start_date": start,
                        "lega_legal_status_end_date": end,
                    },
                )
            else:
                legal["lega_legal_status_end_date"] = end
            self.emit(
                "ssd_cla_episodes",
                {
                    "clae_cla_episode_id": self.new_id(f"903E-{child}-{_compact(start, row)}"),
                    "clae_person_id": child,
                    "clae_cla_episode_start_date": start,
                    "clae_cla_episode_start_reason": rne,
                    "clae_cla_primary_need_code": self._need(row),
                    "clae_cla_episode_ceased_date": end,
                    "clae_cla_episode_ceased_reason": rec,
                    "clae_cla_id": period_id,
                    "clae_cla_placement_id": placement[0]["clap_cla_placement_id"],
                    "clae_entered_care_date": entered,
                },
            )
            if end is None and rec is not None:
                self.report.warning(
                    "REC (the reason the episode ceased) is given but DEC is empty; the episode "
                    "is read as open",
                    row=row,
                    field="DEC",
                    value=row.values["REC"],
                    kind="REC without DEC",
                )
            if end is not None and rec is None:
                self.report.warning(
                    "DEC is given but REC (the reason the episode ceased) is empty",
                    row=row,
                    field="REC",
                    kind="DEC without REC",
                )
            p_start, _end, p_id = self.periods[child][-1]
            self.periods[child][-1] = (p_start, end, p_id)
            previous = (start, end, row, rec)

    def _need(self, row: _Row) -> str | None:
        need = self.code(row, "CIN", CATEGORY_OF_NEED, what="category of need",
                         keep=False)  # fmt: skip
        return need

    def _change_reason(self, row: _Row) -> str | None:
        """The reason the placement changed, given on the episode where it ended."""
        if "REASON_PLACE_CHANGE" not in row.values:
            return None
        if "DEC" not in row.values:
            self.report.warning(
                "REASON_PLACE_CHANGE is given but the episode has not ended; it was not read",
                row=row,
                field="REASON_PLACE_CHANGE",
                value=row.values["REASON_PLACE_CHANGE"],
                kind="placement change reason on an open episode",
            )
            return None
        return self.code(row, "REASON_PLACE_CHANGE", codewords.PLACEMENT_CHANGE_REASON,
                         what="reason for placement change")  # fmt: skip

    def _placement_type(self, row: _Row) -> str | None:
        """PLACE (PL in XML) as the SSD's placement type: a newer code as the one it replaced."""
        code = self.code(row, "PLACE", PLACEMENT_TYPES, what="placement type")
        return PLACEMENT_TYPE_IN_SSD.get(code, code) if code is not None else None

    def _placement(
        self, child: str, row: _Row, start: datetime.date, period_id: str | None
    ) -> dict[str, Any]:
        return self.emit(
            "ssd_cla_placement",
            {
                "clap_cla_placement_id": self.new_id(f"903P-{child}-{_compact(start, row)}"),
                "clap_cla_placement_start_date": start,
                "clap_cla_placement_type": self._placement_type(row),
                "clap_cla_placement_urn": row.values.get("URN"),
                "clap_cla_id": period_id,
                "clap_cla_placement_provider": self.code(
                    row, "PLACE_PROVIDER", codewords.PLACEMENT_PROVIDER, what="placement provider"
                ),
                "clap_cla_placement_postcode": row.values.get("PL_POST"),
                "clap_cla_placement_end_date": parse_date(row.values.get("DEC", "")),
                "clap_cla_placement_change_reason": self._change_reason(row),
                "clap_person_id": child,
            },
        )

    def period_of(self, child: str, day: datetime.date, row: _Row) -> str | None:
        """The child's period of care holding `day`, else the nearest one before (or after)."""
        periods = self.periods.get(child, [])
        for start, end, period_id in periods:
            if start <= day and (end is None or day <= end):
                return period_id
        if not periods:
            self.report.warning(
                f"child {row.child} has no episodes, so the review cannot be linked to a period "
                "of care; it was not read",
                row=row,
                field="CHILD",
                value=row.child,
                kind="review without episodes",
            )
            return None
        before = [p for p in periods if p[0] <= day]
        chosen = before[-1] if before else periods[0]
        self.report.warning(
            f"the review ({day:%d/%m/%Y}) falls outside the child's periods of care in the "
            f"episodes table; it is linked to the period from {chosen[0]:%d/%m/%Y}",
            row=row,
            field="REVIEW",
            value=row.values.get("REVIEW", ""),
            kind="review outside care",
        )
        return chosen[2]

    def reviews(self) -> None:
        for row in self.unique_rows("reviews"):
            if not self.known_child(row):
                continue
            self.same_dob(row)
            day = self.date(row, "REVIEW")
            participation = self.code(row, "REVIEW_CODE", codewords.REVIEW_PARTICIPATION,
                                      what="review participation")  # fmt: skip
            if day is None:
                continue
            period_id = self.period_of(row.child, day, row)
            if period_id is None:
                continue
            self.emit(
                "ssd_cla_reviews",
                {
                    "clar_cla_review_id": self.new_id(f"903R-{row.child}-{_compact(day, row)}"),
                    "clar_cla_id": period_id,
                    "clar_cla_review_date": day,
                    # The return lists the reviews that were held.
                    "clar_cla_review_cancelled": "N",
                    "clar_cla_review_participation": participation,
                },
            )

    def missing(self) -> None:
        for row in self.unique_rows("missing"):
            if not self.known_child(row):
                continue
            self.same_dob(row)
            start, end = self.date(row, "MIS_START"), self.date(row, "MIS_END")
            kind = self.code(row, "MISSING", MISSING_CODES, what="missing or away")
            if start is None or not self.not_before(row, start, end, "MIS_END"):
                continue
            self.emit(
                "ssd_missing",
                {
                    "miss_table_id": self.new_id(f"903M-{row.child}-{_compact(start, row)}"),
                    "miss_person_id": row.child,
                    "miss_missing_episode_start_date": start,
                    "miss_missing_episode_type": kind,
                    "miss_missing_episode_end_date": end,
                },
            )

    def care_leavers(self) -> None:
        for row in self.unique_rows("oc3"):
            if not self.known_child(row):
                continue
            self.same_dob(row)
            activity = accommodation = suitable = None
            if row.values.get("ACTIV") != NOT_KNOWN:
                activity = self.code(row, "ACTIV", ACTIVITY_CODES, what="care leaver activity")
            raw = row.values.get("ACCOM")
            if raw is not None and raw != NOT_KNOWN:
                accom = self.code(row, "ACCOM", ACCOMMODATION_CODES, what="accommodation")
                if accom in ACCOMMODATION_CODES:
                    accommodation, suitable = accom[0], accom[1]
                else:
                    accommodation = accom
            self.emit(
                "ssd_care_leavers",
                {
                    "clea_table_id": self.new_id(f"903CL-{row.child}"),
                    "clea_person_id": row.child,
                    "clea_care_leaver_in_touch": self.code(
                        row, "IN_TOUCH", codewords.CARE_LEAVER_IN_TOUCH, what="in touch"
                    ),
                    "clea_care_leaver_accommodation": accommodation,
                    "clea_care_leaver_accom_suitable": suitable,
                    "clea_care_leaver_activity": activity,
                },
            )

    def social_workers(self) -> None:
        for row in self.unique_rows("sw_episodes"):
            if not self.known_child(row):
                continue
            self.same_dob(row)
            start, end = self.date(row, "SW_DECOM"), self.date(row, "SW_DEC")
            reason = self.code(row, "SW_REASON", codewords.WORKER_CHANGE_REASON,
                               what="reason for social worker change")  # fmt: skip
            if start is None or not self.not_before(row, start, end, "SW_DEC"):
                continue
            self.emit(
                "ssd_involvements",
                {
                    "invo_involvements_id": self.new_id(
                        f"903SW-{row.child}-{_compact(start, row)}"
                    ),
                    "invo_professional_id": row.values.get("SW_ID"),
                    "invo_professional_role_id": SOCIAL_WORKER_ROLE,
                    "invo_involvement_start_date": start,
                    "invo_involvement_end_date": end,
                    "invo_worker_change_reason": reason,
                    "invo_person_id": row.child,
                },
            )

    def checked_only(self) -> None:
        """Tables with no SSD home: their children and dates are still checked."""
        for word in ("uasc", "oc2", "prev_perm", "placed_for_adoption", "ad1"):
            for row in self.unique_rows(word):
                if not self.known_child(row):
                    continue
                self.same_dob(row)
                for column in TABLES[word].dates:
                    if column != "DOB":
                        self.date(row, column)

    def after_year_end(self, year_end: datetime.date) -> None:
        for word, columns in (
            ("episodes", ("DECOM", "DEC")),
            ("reviews", ("REVIEW",)),
            ("missing", ("MIS_START", "MIS_END")),
            ("sw_episodes", ("SW_DECOM", "SW_DEC")),
        ):
            for row in self.rows.get(word, ()):
                for column in columns:
                    day = parse_date(row.values.get(column, ""))
                    if day is not None and day > year_end:
                        self.report.warning(
                            f"{column} ({day:%d/%m/%Y}) is after the end of the collection year "
                            f"({year_end:%d/%m/%Y})",
                            row=row,
                            field=column,
                            value=row.values[column],
                            kind="after the year end",
                        )

    def map(self) -> dict[str, list[dict[str, Any]]]:
        self.header()
        self.episodes()
        self.reviews()
        self.missing()
        self.care_leavers()
        self.social_workers()
        self.checked_only()
        present = {t for word in self.rows for t in SSD_TABLES_BY_TABLE.get(word, ())}
        return _conform(self.out, present)


def _place(row: _Row) -> str:
    return f"row {row.row}" if row.row is not None else row.path


def _conform(
    rows: dict[str, list[dict[str, Any]]], present: set[str]
) -> dict[str, list[dict[str, Any]]]:
    """Every present table, in schema order, each row with exactly the schema's fields."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, table in schema.tables().items():
        if name in present:
            empty = dict.fromkeys(table.field_names)
            tables[name] = [{**empty, **row} for row in rows.get(name, ())]
    return tables


def _year_end(
    rows: dict[str, list[_Row]], names: list[str], root: Any, report: _Report, source: str
) -> tuple[datetime.date | None, str]:
    year = _year_from_xml(root)
    if year is not None:
        return datetime.date(year, 3, 31), "the file's collection details"
    year = _year_from_names(names)
    if year is not None:
        return datetime.date(year, 3, 31), "the file names"
    days = [
        day
        for row in rows.get("episodes", ())
        for column in ("DECOM", "DEC")
        if (day := parse_date(row.values.get(column, ""))) is not None
    ]
    if not days:
        return None, ""
    end = _march_after(max(days))
    report.warning(
        f"the collection year is not named in the file names or the file; it is taken to end "
        f"{end:%d/%m/%Y}, the 31 March after the latest episode date. Name the files with the "
        "year (e.g. SSDA903_2025_header.csv) to say which year the return is for",
        source=source,
    )
    return end, "the latest episode date"


def read_ssda903(path: Path, *, label: str = "", encoding: str | None = None) -> Ssda903Extract:
    """The return in `path` (a folder of its CSV tables, or its XML file) as SSD tables, with
    every problem found and the collection year's end (`year_end`); never raises on a bad file.

    `encoding` is the council's setting for text files without a byte-order mark (see
    intake.encodings); `label` names the file in problems instead of its name on disk."""
    path = Path(path)
    source = label or path.name
    extract = Ssda903Extract(fields={t: list(f) for t, f in FIELDS.items()})
    report = _Report()
    root = None
    if path.is_dir():
        rows = _read_folder(path, extract, report, encoding)
        names = [path.name, *(p.name for p in extract.files)]
        for word in REQUIRED_TABLES:
            if word not in rows and not any(p.table == word for p in report.problems):
                report.error(
                    f"the {word} table is missing: a return must have its header and episodes "
                    "tables",
                    source=source,
                    table=word,
                )
    elif path.suffix.lower() == ".xml":
        extract.files.append(path)
        rows, root = _read_xml(path, source, report)
        names = [source]
    else:
        report.error(
            "give the folder holding the return's CSV files, or its XML file"
            + ("" if path.exists() else "; nothing is at this path"),
            source=source,
        )
        extract.problems = report.finish()
        return extract
    try:
        mapper = _Mapper(rows, report)
        extract.tables = mapper.map()
        extract.year_end, extract.year_end_from = _year_end(rows, names, root, report, source)
        if extract.year_end is not None:
            mapper.after_year_end(extract.year_end)
    except Exception as exc:  # the promise is a report, never a crash
        report.error(f"the return could not be read ({type(exc).__name__}: {exc})", source=source)
    extract.problems = report.finish()
    return extract
