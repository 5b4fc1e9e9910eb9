"""The Annex A lists as the schema file describes them: columns, headers and value variants."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SCHEMA_PATH = Path(__file__).resolve().parent / "annex_a_schema.yml"

LIST_NUMBERS = tuple(range(1, 12))
ZZ_CODE_ERROR = "zzCodeError"  # liiatools' category for values it knows to be wrong

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s:?.]+$")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\xa0": " "})
_SLASHED = re.compile(r"^\s*/(.*)/([a-z]*)", re.DOTALL)
_LETTERING = re.compile(r"^\s*[a-z]{1,2}[).]\s+")  # Annex A's "a) " in front of a category


def normalise(text: str) -> str:
    """Fold case, quotes and spacing so that header or value spellings can be compared."""
    text = _SPACES.sub(" ", str(text).translate(_QUOTES)).strip().casefold()
    return _TRAILING.sub("", text)


def _yaml_text(value: Any) -> str:
    # Unquoted Yes/No in the schema load as booleans, and some codes as numbers.
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _compile_slashed(pattern: str) -> re.Pattern[str] | None:
    """'/regex/i' as written in the schema; anything after the flags is a stray and is ignored."""
    m = _SLASHED.match(str(pattern))
    if m is None:
        return None
    flags = re.IGNORECASE if "i" in m[2] else 0
    try:
        return re.compile(_SPACES.sub(" ", m[1]), flags)
    except re.error:
        return None


@dataclass(frozen=True)
class ColumnSpec:
    name: str  # the column as the schema names it
    headers: frozenset[str]  # normalised exact spellings of the header
    regexes: tuple[re.Pattern[str], ...]
    required: bool  # the schema says it may not be blank
    variants: dict[str, str] = field(default_factory=dict, compare=False)  # normalised -> category
    cell_regexes: tuple[tuple[re.Pattern[str], str], ...] = ()  # (regex, category)

    def category(self, text: str) -> str | None:
        """The schema's category for a value, or None when the schema does not know it."""
        found = self.variants.get(normalise(text))
        if found is not None:
            return found
        for regex, category in self.cell_regexes:
            if regex.search(text):
                return category
        return None


@dataclass(frozen=True)
class ListSpec:
    number: int
    columns: dict[str, ColumnSpec]  # by schema column name, in schema order
    sheet_keywords: tuple[re.Pattern[str], ...]

    @property
    def label(self) -> str:
        return f"List {self.number}"


@dataclass(frozen=True)
class AnnexASpec:
    lists: dict[int, ListSpec]
    sheet_pattern: re.Pattern[str]
    placeholder_names: frozenset[str]


def _variants(categories: list[dict[str, Any]]) -> tuple[dict[str, str], tuple]:
    variants: dict[str, str] = {}
    cell_regexes: list[tuple[re.Pattern[str], str]] = []
    for entry in categories:
        code = _yaml_text(entry.get("code", "")).strip()
        names = entry.get("name") or []
        if not isinstance(names, list):
            names = [names]
        for name in [code, _LETTERING.sub("", code), *names]:
            # First category wins where liiatools lists a spelling under two codes.
            variants.setdefault(normalise(_yaml_text(name)), code)
        for pattern in entry.get("cell_regex") or []:
            regex = _compile_slashed(pattern)
            if regex is not None:
                cell_regexes.append((regex, code))
    return variants, tuple(cell_regexes)


def _column(name: str, raw: dict[str, Any], extra_headers: list[str]) -> ColumnSpec:
    variants, cell_regexes = _variants(raw.get("category") or [])
    regexes = tuple(
        r for r in (_compile_slashed(p) for p in raw.get("header_regex") or []) if r is not None
    )
    return ColumnSpec(
        name=name,
        headers=frozenset(normalise(h) for h in [name, *extra_headers]),
        regexes=regexes,
        required=raw.get("canbeblank") is False,
        variants=variants,
        cell_regexes=cell_regexes,
    )


def _renames_2026(changes: dict[str, Any]) -> dict[tuple[str, str], str]:
    renames = {}
    for key, change in (changes or {}).items():
        parts = str(key).split(".")
        if len(parts) == 3 and isinstance(change, dict) and change.get("type") == "rename":
            renames[(parts[1], parts[2])] = str(change["value"])
    return renames


def load_spec_from(path: Path) -> AnnexASpec:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads it 30x faster
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (safe loader)
    ours = raw.get("lineofsight") or {}
    extra = ours.get("extra_headers") or {}
    renames = _renames_2026(raw.get("changes_2026") or {})
    keywords = ours.get("sheet_keywords") or {}
    lists: dict[int, ListSpec] = {}
    for key, columns in raw["column_map"].items():
        number = int(str(key).rsplit("_", 1)[1])
        specs: dict[str, ColumnSpec] = {}
        for name, column in columns.items():
            specs[name] = _column(name, column or {}, extra.get(name) or [])
            renamed = renames.get((key, name))
            if renamed:
                # Both spellings stay readable: the 2026 name is a column of its own so the
                # mapping can tell sex from gender.
                specs[renamed] = _column(renamed, column or {}, extra.get(renamed) or [])
        lists[number] = ListSpec(
            number=number,
            columns=specs,
            sheet_keywords=tuple(re.compile(k, re.IGNORECASE) for k in keywords.get(key) or []),
        )
    pattern = (ours.get("sheet_patterns") or {}).get("any") or r"^\s*list\s*[_\-.]?\s*(\d{1,2})"
    return AnnexASpec(
        lists=lists,
        sheet_pattern=re.compile(pattern, re.IGNORECASE),
        placeholder_names=frozenset(normalise(n) for n in ours.get("placeholder_names") or []),
    )


@cache
def load_spec() -> AnnexASpec:
    return load_spec_from(SCHEMA_PATH)
