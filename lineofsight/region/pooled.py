"""Pooled extracts: a council's snapshot as Parquet in SSD shape, pseudonymised for pooling with
other councils, and how a region reads several of them back.

    pooled_export_write(snapshot=s, directory=Path("out"), key=pooling_key())
    read_extract(Path("out"))            # the manifest, every table's file checked

What pooling changes (`docs/region.md` says why):
- every child's id (any `*person_id` column, in every table) becomes a keyed hash: HMAC-SHA-256
  of the id under the council's pooling key, 32 hexadecimal characters. The key stays with the
  council (`pooling_key()`), so nobody holding the extract can turn a hash back into an id or
  match it with another council's data, while the council can recompute a child's hash;
- Social Work England registration numbers are hashed the same way (they name a worker in a
  public register); the case system's own worker and team ids are kept;
- dates of birth (and expected dates of birth, and dates of death) go to the first of the month;
- postcodes go to the district (the outward code: "NG5 1AB" becomes "NG5");
- free text is left out: case notes, names of children and workers, personal advisers' names,
  the wording of drift flags, the product's configuration tables.
The derived tables the indicator definitions read (timeliness, the working-day calendar, which
team each child counts for, recording checks) are exported too, so the catalogue runs on a
pooled extract exactly as on the snapshot. A manifest (manifest.json, written last) gives the
council code, as-at date, rows and SHA-256 of every table's file.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
from django.conf import settings
from django.db import transaction

from lineofsight.casework import schema, store
from lineofsight.casework.models import Snapshot
from lineofsight.casework.writer import quote
from lineofsight.history.services import record_set

FORMAT = "lineofsight-pooled/1"
MANIFEST = "manifest.json"
HASH_CHARS = 32  # 128 bits of the HMAC: no two ids of one council meet by chance

# Tables the import derives that the indicator definitions (or worklists' flags) read.
DERIVED_TABLES = (
    "_calendar",
    "event_timeliness",
    "child_attribution",
    "recording_checks",
    "open_cases",
    "drift_flags",
)
# Left out whole: free text, or the product's own bookkeeping (in the manifest instead).
LEFT_OUT_TABLES = {"case_notes": "case notes are free text"}
# Columns left out: names and other free text.
DROPPED_COLUMNS = frozenset(
    {
        "pers_forename",
        "pers_surname",
        "pers_legacy_id",  # an older system's id for the child, not keyed
        "pers_common_child_id",  # the unique pupil number or NHS number
        "prof_professional_name",
        "clea_care_leaver_personal_advisor",
        "detail",  # drift flags' wording
    }
)
REGISTRATION_COLUMNS = frozenset({"prof_social_worker_registration_no", "swe_no"})
MONTH_COLUMNS = frozenset({"pers_dob", "pers_expected_dob", "pers_death_date"})
POSTCODE_COLUMNS = frozenset({"clap_cla_placement_postcode"})


class PooledExtractError(ValueError):
    """A pooled extract that cannot be read: no manifest, a file missing or changed."""


def exported_tables() -> tuple[str, ...]:
    """Every table a pooled extract holds, in a fixed order."""
    own = [name for name in schema.tables() if name not in LEFT_OUT_TABLES]
    return (*own, *DERIVED_TABLES)


def file_name(table: str) -> str:
    """The table's Parquet file: without a leading underscore, which Spark and Hadoop take to
    mean a hidden file and skip."""
    return f"{table.lstrip('_')}.parquet"


def is_person_id(column: str) -> bool:
    return column == "person_id" or column.endswith("_person_id")


# -- the pooling key --------------------------------------------------------------------------


def pooling_key_path() -> Path:
    configured = getattr(settings, "POOLING_KEY_FILE", "")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "pooling_key"


def pooling_key(path: Path | None = None) -> bytes:
    """The council's pooling key (32 random bytes, kept as hex in a file readable by the
    service only), made the first time it is needed. Keep it with the backups: a lost key
    means next year's hashes no longer match this year's."""
    path = pooling_key_path() if path is None else Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    text = path.read_text().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise PooledExtractError(f"The pooling key in {path} is not hexadecimal.") from None
    if len(key) < 16:
        raise PooledExtractError(f"The pooling key in {path} is shorter than 16 bytes.")
    return key


def key_id(key: bytes) -> str:
    """A short name for a key, so two extracts can be seen to share one; reveals nothing."""
    return hashlib.sha256(b"lineofsight pooling key id|" + key).hexdigest()[:12]


def _pads(key: bytes) -> tuple[bytes, bytes]:
    """HMAC's inner and outer padded keys (RFC 2104), so DuckDB computes HMAC-SHA-256 in SQL."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _blob(data: bytes) -> str:
    return "'" + "".join(f"\\x{b:02x}" for b in data) + "'::BLOB"


def hmac_sql(column: str, key: bytes) -> str:
    inner, outer = _pads(key)
    message = f"encode(CAST({quote(column)} AS VARCHAR))"
    digest = f"sha256({_blob(outer)} || unhex(sha256({_blob(inner)} || {message})))"
    return f"CASE WHEN {quote(column)} IS NULL THEN NULL ELSE left({digest}, {HASH_CHARS}) END"


def pseudonym(value: str, key: bytes) -> str:
    """What a pooled extract holds for this id (the council can find a child's rows with it)."""
    import hmac

    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:HASH_CHARS]


def _postcode_sql(column: str) -> str:
    s = f"upper(trim({quote(column)}))"
    return (
        f"CASE WHEN {quote(column)} IS NULL OR {s} = '' THEN NULL "
        f"WHEN {s} LIKE '% %' THEN split_part({s}, ' ', 1) "
        f"WHEN length({s}) > 4 THEN left({s}, length({s}) - 3) ELSE {s} END"
    )


def column_sql(column: str, key: bytes) -> str | None:
    """The expression a pooled extract holds for one column, or None to leave it out."""
    if column in DROPPED_COLUMNS:
        return None
    if is_person_id(column) or column in REGISTRATION_COLUMNS:
        expr = hmac_sql(column, key)
    elif column in MONTH_COLUMNS:
        expr = f"CAST(date_trunc('month', {quote(column)}) AS DATE)"
    elif column in POSTCODE_COLUMNS:
        expr = _postcode_sql(column)
    else:
        return quote(column)
    return f"{expr} AS {quote(column)}"


# -- writing ----------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
        "ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [r[0] for r in rows]


def write_extract(
    con: duckdb.DuckDBPyConnection,
    directory: Path,
    *,
    key: bytes,
    council_code: str,
    as_at: datetime.date,
    provided: list[str],
    source_kind: str = "",
) -> dict:
    """Write the tables `con` holds as a pooled extract into `directory` (new or empty) and
    return its manifest. Works on any DuckDB connection holding a snapshot's tables."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise PooledExtractError(f"{directory} is not empty: give a new folder.")
    directory.mkdir(parents=True, exist_ok=True)
    present = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    tables: dict[str, dict] = {}
    for name in exported_tables():
        if name not in present:
            continue
        select = [s for c in _columns(con, name) if (s := column_sql(c, key)) is not None]
        target = directory / file_name(name)
        literal = target.as_posix().replace("'", "''")
        con.execute(
            f"COPY (SELECT {', '.join(select)} FROM {quote(name)}) "
            f"TO '{literal}' (FORMAT parquet, COMPRESSION zstd)"
        )
        rows = con.execute(f"SELECT count(*) FROM read_parquet('{literal}')").fetchone()
        tables[name] = {"file": target.name, "rows": int(rows[0]), "sha256": _sha256(target)}
    manifest = {
        "format": FORMAT,
        "council_code": str(council_code),
        "as_at": as_at.isoformat(),
        "source_kind": source_kind,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        # A table left out still counts as provided: what was derived from it is exported
        # (the recording checks of case notes).
        "provided_tables": sorted(t for t in provided if t in tables or t in LEFT_OUT_TABLES),
        "pseudonymisation": {
            "person_ids": f"HMAC-SHA-256 under the council's pooling key, {HASH_CHARS} hex",
            "key_id": key_id(key),
            "dates_of_birth": "first of the month",
            "postcodes": "district",
            "left_out_tables": sorted(LEFT_OUT_TABLES),
            "left_out_columns": sorted(DROPPED_COLUMNS),
        },
        "tables": tables,
    }
    # Written last, and renamed into place: a folder without a manifest is never read.
    part = directory / (MANIFEST + ".part")
    part.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    part.replace(directory / MANIFEST)
    return manifest


def pooled_export_write(
    *, snapshot: Snapshot, directory: Path, key: bytes, actor: object | None = None
) -> dict:
    """Write `snapshot` as a pooled extract into `directory` and record it in the change
    history of the snapshot (who, where, which key)."""
    with store.connect(snapshot) as con:
        manifest = write_extract(
            con,
            directory,
            key=key,
            council_code=str(settings.COUNCIL_CODE),
            as_at=snapshot.as_at,
            provided=list(snapshot.provided_tables),
            source_kind=snapshot.source_kind,
        )
    with transaction.atomic():
        record_set(
            actor=actor,
            action="pooled extract written",
            obj=snapshot,
            field="pooled_extract",
            value={
                "directory": str(Path(directory).resolve()),
                "key_id": manifest["pseudonymisation"]["key_id"],
            },
        )
    return manifest


# -- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PooledExtract:
    directory: Path
    council_code: str
    as_at: datetime.date
    provided: frozenset[str]
    files: dict[str, Path]  # table -> its Parquet file
    manifest: dict

    @property
    def present(self) -> frozenset[str]:
        """The tables the council's snapshot held: those in the extract, and those provided but
        left out (whose derived tables are in it)."""
        return frozenset(self.files) | (self.provided & set(LEFT_OUT_TABLES))

    @property
    def digest(self) -> str:
        """One SHA-256 over every table's: equal for equal extracts."""
        text = json.dumps(
            {t: self.manifest["tables"][t]["sha256"] for t in sorted(self.files)}, sort_keys=True
        )
        return hashlib.sha256(f"{self.council_code}|{self.as_at}|{text}".encode()).hexdigest()


def read_extract(directory: Path, *, verify: bool = True) -> PooledExtract:
    """A pooled extract's manifest, with every file checked against its SHA-256 (unless
    `verify=False`). PooledExtractError says what is wrong."""
    directory = Path(directory)
    path = directory / MANIFEST
    if not path.is_file():
        raise PooledExtractError(f"{directory} has no {MANIFEST}: it is not a pooled extract.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise PooledExtractError(f"{path} cannot be read: {e}") from None
    if manifest.get("format") != FORMAT:
        raise PooledExtractError(f"{path} is not a {FORMAT} manifest.")
    files: dict[str, Path] = {}
    for table, entry in sorted(manifest.get("tables", {}).items()):
        file = directory / str(entry.get("file", ""))
        if file.parent != directory or not file.is_file():
            raise PooledExtractError(f"{directory}: the file for {table} is missing.")
        if verify and _sha256(file) != entry.get("sha256"):
            raise PooledExtractError(
                f"{file} has changed since it was exported (its SHA-256 does not match)."
            )
        files[table] = file
    try:
        as_at = datetime.date.fromisoformat(str(manifest.get("as_at")))
    except ValueError:
        raise PooledExtractError(f"{path}: as_at is not a date.") from None
    code = str(manifest.get("council_code") or "").strip()
    if not code:
        raise PooledExtractError(f"{path} gives no council code.")
    return PooledExtract(
        directory=directory,
        council_code=code,
        as_at=as_at,
        provided=frozenset(manifest.get("provided_tables", ())),
        files=files,
        manifest=manifest,
    )


def read_extracts(directories: list[Path], *, verify: bool = True) -> list[PooledExtract]:
    """Several councils' extracts, in council code order; two of one council is an error."""
    extracts = [read_extract(d, verify=verify) for d in directories]
    codes = [e.council_code for e in extracts]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise PooledExtractError(f"More than one extract of council {', '.join(twice)}.")
    return sorted(extracts, key=lambda e: e.council_code)
