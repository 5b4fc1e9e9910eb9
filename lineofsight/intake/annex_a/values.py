"""Turning one Annex A cell into a clean Python value: blanks, Excel errors, dates, ids and names.

The parsers are pure, so their results are cached per distinct value (here for text dates, and
per list in rows.RowReader): a 55,000-row workbook repeats the same few thousand values, so the
regular expressions run once per distinct value, not once per cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

# What Excel shows for a formula that failed. openpyxl gives them as text, xlrd as error codes.
EXCEL_ERRORS = frozenset(
    {
        "#N/A",
        "#N/A N/A",
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)

# Text that people type into a date or id cell to mean "nothing".
_BLANK_WORDS = frozenset({"-", "--", ".", "n/a", "na", "null", "none", "not applicable", "nil"})

_EXCEL_EPOCH = datetime(1899, 12, 30)  # day 0 of the 1900 date system, after Excel's leap-year bug
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True, slots=True)
class CellError:
    """An Excel error value such as #N/A: read as blank, reported where the column matters."""

    text: str

    def __str__(self) -> str:
        return self.text


def clean_cell(value: object) -> object:
    """Normalise a raw cell: None for blank, CellError for Excel errors, stripped text otherwise."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.replace("\xa0", " ").strip()
        if not text:
            return None
        if text[0] == "#" and text.upper() in EXCEL_ERRORS:
            return CellError(text.upper())
        return text
    return value


def is_blank(value: object) -> bool:
    return value is None or isinstance(value, CellError)


# --- dates ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed value, or why it could not be parsed (error) or what was assumed (warning)."""

    value: object = None
    error: str = ""
    warning: str = ""


_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[ap]m)?)?"
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?")
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})" + _TIME)
_D_MON_Y = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?[\s\-/]*([A-Za-z]{3,9})[\s\-/,]*(\d{4}|\d{2})")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _year(text: str) -> int:
    # Two-digit years: nobody in Annex A was born before 1930 or has an event after 2069.
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _checked(found: date | None, raw: str, warning: str = "") -> Parsed:
    if found is None:
        return Parsed(error=f"{raw!r} is not a date")
    if not _MIN_YEAR <= found.year <= _MAX_YEAR:
        return Parsed(error=f"{raw!r} is not a plausible date (year {found.year})")
    return Parsed(found, warning=warning)


def excel_serial_to_date(serial: float) -> date | None:
    if not 1 <= serial < 2958466:  # 2958465 is 31/12/9999, Excel's last day
        return None
    return (_EXCEL_EPOCH + timedelta(days=int(serial))).date()


def _number_to_date(number: float, raw: str) -> Parsed:
    if number.is_integer() and 19000101 <= number <= 21001231:
        # A date typed as yyyymmdd and stored as a number
        digits = str(int(number))
        return _checked(_make_date(int(digits[:4]), int(digits[4:6]), int(digits[6:])), raw)
    return _checked(excel_serial_to_date(number), raw)


@lru_cache(maxsize=65536)
def parse_date_text(text: str) -> Parsed:
    """Parse a date typed as text: UK day/month/year first, then ISO, then '16 Sep 2020'."""
    raw = text
    text = text.strip()
    if text.lower() in _BLANK_WORDS:
        return Parsed()
    if m := _DMY.fullmatch(text):
        day, month, year = int(m[1]), int(m[2]), _year(m[3])
        found = _make_date(year, month, day)
        if found is None and month > 12 >= day:
            swapped = _make_date(year, day, month)
            if swapped is not None:
                return _checked(swapped, raw, f"{raw!r} read as month/day/year")
        return _checked(found, raw)
    if m := _ISO.fullmatch(text):
        return _checked(_make_date(int(m[1]), int(m[2]), int(m[3])), raw)
    if m := _D_MON_Y.fullmatch(text):
        month = _MONTHS.get(m[2].lower())
        if month is None:
            return Parsed(error=f"{raw!r} is not a date")
        return _checked(_make_date(_year(m[3]), month, int(m[1])), raw)
    if m := _COMPACT.fullmatch(text):
        return _checked(_make_date(int(m[1]), int(m[2]), int(m[3])), raw)
    if _NUMBER.fullmatch(text):
        return _number_to_date(float(text), raw)
    return Parsed(error=f"{raw!r} is not a date")


def parse_date(value: object) -> Parsed:
    """A cleaned cell as a date. Excel dates, datetimes, serial numbers and text are accepted."""
    if value is None or isinstance(value, CellError):
        return Parsed()
    if isinstance(value, datetime):
        return _checked(value.date(), str(value))
    if isinstance(value, date):
        return _checked(value, str(value))
    if isinstance(value, bool):
        return Parsed(error=f"{value!r} is not a date")
    if isinstance(value, int | float):
        return _number_to_date(float(value), str(value))
    return parse_date_text(str(value))


# --- ids, names, numbers -------------------------------------------------------------------------


def parse_id(value: object) -> str | None:
    """An identifier as text: 12345.0 (Excel's number) becomes '12345'; text is kept as typed."""
    if value is None or isinstance(value, CellError | bool):
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date):
        return None
    text = str(value).strip()
    if text.lower() in _BLANK_WORDS:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text or None


_SPACES = re.compile(r"\s+")


def clean_name(value: object) -> str | None:
    """A worker's or team's name as shown: single spaces, no non-breaking spaces."""
    if value is None or isinstance(value, CellError):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = _SPACES.sub(" ", str(value).replace("\xa0", " ")).strip()
    return text or None


def name_key(name: str) -> str:
    """What makes two spellings of a name the same person or team (case and spacing ignored)."""
    return _SPACES.sub(" ", name.replace("\xa0", " ")).strip().casefold()


def parse_int(value: object) -> Parsed:
    if value is None or isinstance(value, CellError):
        return Parsed()
    if isinstance(value, bool):
        return Parsed(error=f"{value!r} is not a whole number")
    if isinstance(value, int):
        return Parsed(value)
    if isinstance(value, float):
        if value.is_integer():
            return Parsed(int(value))
        return Parsed(error=f"{value!r} is not a whole number")
    text = str(value).strip()
    if text.lower() in _BLANK_WORDS:
        return Parsed()
    try:
        number = float(text)
    except ValueError:
        return Parsed(error=f"{text!r} is not a whole number")
    if not number.is_integer():
        return Parsed(error=f"{text!r} is not a whole number")
    return Parsed(int(number))


_POSTCODE = re.compile(r"([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})?")


def parse_postcode(value: object) -> Parsed:
    """A UK postcode, full ('T28 2WB') or outward part only ('T28'), upper case, one space."""
    if value is None or isinstance(value, CellError):
        return Parsed()
    written = str(value).strip()
    if written.lower() in _BLANK_WORDS:
        return Parsed()
    m = _POSTCODE.fullmatch(written.upper())
    if m is None:
        return Parsed(error=f"{written!r} is not a postcode")
    return Parsed(f"{m[1]} {m[2]}" if m[2] else m[1])
