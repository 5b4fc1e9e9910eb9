"""A synthetic council's children looked after return (SSDA903 CSV tables), for the same
children as its SSD extract.

    write_ssda903(out / "ssd", out / "ssda903", year=2025)   # SSDA903_2025_header.csv, ...

The collection year runs from 1 April (year - 1) to 31 March (year). The tables written:

- episodes: every episode of each period of care open at some time in the year (the whole period,
  so its entry into care and the start of its first placement and legal status read back as they
  are), one row per ssd_cla_episodes row, with the legal status in force on the episode's start
  (ssd_legal_status), the placement's type, provider, URN and postcode, and the placement's
  reason for change on the episode where that placement ended; an episode or date after the year
  is left out or left open;
- reviews: the reviews held in the year (not cancelled) of those periods of care;
- missing: missing or away episodes that began in the year;
- oc3: every care leaver in ssd_care_leavers, ACCOM written as the accommodation letter and its
  suitability digit, and 0 for an activity or accommodation that is not known;
- header: every child in those tables, from ssd_person (sex M, F or U, as from 2024-25).

The file names carry the year, as councils save them, so the reader knows the collection year.
"""

from __future__ import annotations

import csv
import datetime
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ETHNICITY_IN_RETURN = {"CNHE": "CHNE"}  # the return spells Chinese CHNE
MISSING_IN_RETURN = {"MISSING": "M", "AWAY": "A", "M": "M", "A": "A"}
NOT_KNOWN = "0"
# The return's CSV tables written, and their columns in the DfE's order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "episodes": (
        "CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
        "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN",
    ),
    "reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "oc3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
}  # fmt: skip


def _rows(ssd_dir: Path, table: str) -> Iterator[dict[str, str]]:
    path = ssd_dir / f"{table}.csv"
    if not path.exists():
        return
    with path.open(newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text[:10]) if text else None


def _dmy(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


class _Return:
    def __init__(self, ssd_dir: Path, year: int) -> None:
        self.dir = ssd_dir
        self.start = datetime.date(year - 1, 4, 1)
        self.end = datetime.date(year, 3, 31)
        self.people = {p["pers_person_id"]: p for p in _rows(ssd_dir, "ssd_person")}
        self.placements = {
            p["clap_cla_placement_id"]: p for p in _rows(ssd_dir, "ssd_cla_placement")
        }
        self.legal: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in _rows(ssd_dir, "ssd_legal_status"):
            self.legal[row["lega_person_id"]].append(row)
        self.children: set[str] = set()
        self.period_child: dict[str, str] = {}  # clae_cla_id -> child, for written periods

    def dob(self, child: str) -> str:
        return _dmy(_day(self.people.get(child, {}).get("pers_dob")))

    def legal_status(self, child: str, day: datetime.date) -> str:
        """The child's legal status in force on `day` (the latest to start on or before it)."""
        best: tuple[datetime.date, str] | None = None
        for row in self.legal.get(child, ()):
            start, end = (
                _day(row["lega_legal_status_start_date"]),
                _day(row["lega_legal_status_end_date"]),
            )
            if start is None or start > day or (end is not None and end <= day):
                continue
            if best is None or start > best[0]:
                best = (start, row["lega_legal_status"])
        return best[1] if best else ""

    def episodes(self) -> list[dict[str, str]]:
        periods: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in _rows(self.dir, "ssd_cla_episodes"):
            periods[row["clae_cla_id"] or row["clae_cla_episode_id"]].append(row)
        out = []
        for period_id, episodes in periods.items():
            episodes.sort(key=lambda e: e["clae_cla_episode_start_date"])
            first = _day(episodes[0]["clae_cla_episode_start_date"])
            last_end = _day(episodes[-1]["clae_cla_episode_ceased_date"])
            if (
                first is None
                or first > self.end
                or (last_end is not None and last_end < self.start)
            ):
                continue
            child = episodes[0]["clae_person_id"]
            self.children.add(child)
            self.period_child[period_id] = child
            for i, episode in enumerate(episodes):
                out_row = self._episode(child, episode, episodes[i + 1 : i + 2])
                if out_row is not None:
                    out.append(out_row)
        return out

    def _episode(
        self, child: str, episode: dict[str, str], following: list[dict[str, str]]
    ) -> dict[str, str] | None:
        start = _day(episode["clae_cla_episode_start_date"])
        if start is None or start > self.end:
            return None
        end = _day(episode["clae_cla_episode_ceased_date"])
        placement = self.placements.get(episode["clae_cla_placement_id"], {})
        change = ""
        placement_ends = not following or (
            following[0]["clae_cla_placement_id"] != episode["clae_cla_placement_id"]
        )
        if placement_ends and _day(placement.get("clap_cla_placement_end_date")) == end:
            change = placement.get("clap_cla_placement_change_reason") or ""
        open_at_year_end = end is not None and end > self.end
        return {
            "CHILD": child,
            "DECOM": _dmy(start),
            "RNE": episode["clae_cla_episode_start_reason"],
            "LS": self.legal_status(child, start),
            "CIN": episode["clae_cla_primary_need_code"],
            "PLACE": placement.get("clap_cla_placement_type", ""),
            "PLACE_PROVIDER": placement.get("clap_cla_placement_provider", ""),
            "DEC": "" if open_at_year_end else _dmy(end),
            "REC": "" if open_at_year_end else episode["clae_cla_episode_ceased_reason"],
            "REASON_PLACE_CHANGE": "" if open_at_year_end else change,
            "HOME_POST": "",
            "PL_POST": placement.get("clap_cla_placement_postcode", ""),
            "URN": placement.get("clap_cla_placement_urn", ""),
        }

    def reviews(self) -> list[dict[str, str]]:
        out = []
        for row in _rows(self.dir, "ssd_cla_reviews"):
            day = _day(row["clar_cla_review_date"])
            child = self.period_child.get(row["clar_cla_id"])
            cancelled = (row["clar_cla_review_cancelled"] or "").upper() == "Y"
            if child is None or day is None or cancelled or not self.start <= day <= self.end:
                continue
            out.append(
                {
                    "CHILD": child,
                    "DOB": self.dob(child),
                    "REVIEW": _dmy(day),
                    "REVIEW_CODE": row["clar_cla_review_participation"],
                }
            )
        return out

    def missing(self) -> list[dict[str, str]]:
        out = []
        for row in _rows(self.dir, "ssd_missing"):
            start = _day(row["miss_missing_episode_start_date"])
            child = row["miss_person_id"]
            if start is None or not self.start <= start <= self.end or child not in self.people:
                continue
            end = _day(row["miss_missing_episode_end_date"])
            self.children.add(child)
            kind = (row["miss_missing_episode_type"] or "").strip().upper()
            out.append(
                {
                    "CHILD": child,
                    "DOB": self.dob(child),
                    "MISSING": MISSING_IN_RETURN.get(kind, kind),
                    "MIS_START": _dmy(start),
                    "MIS_END": "" if end is None or end > self.end else _dmy(end),
                }
            )
        return out

    def care_leavers(self) -> list[dict[str, str]]:
        out = []
        seen: set[str] = set()
        for row in _rows(self.dir, "ssd_care_leavers"):
            child = row["clea_person_id"]
            if child in seen or child not in self.people:
                continue
            seen.add(child)
            self.children.add(child)
            accommodation = row["clea_care_leaver_accommodation"] or ""
            suitable = row["clea_care_leaver_accom_suitable"] or ""
            out.append(
                {
                    "CHILD": child,
                    "DOB": self.dob(child),
                    "IN_TOUCH": row["clea_care_leaver_in_touch"],
                    "ACTIV": row["clea_care_leaver_activity"] or NOT_KNOWN,
                    "ACCOM": accommodation + suitable if accommodation and suitable else NOT_KNOWN,
                }
            )
        return out

    def header(self) -> list[dict[str, str]]:
        out = []
        for child in sorted(self.children):
            person = self.people[child]
            sex = person["pers_sex"] or "U"
            mother = {"Y": "1", "N": "0"}.get((person["pers_is_mother"] or "").upper(), "")
            ethnicity = person["pers_ethnicity"] or ""
            out.append(
                {
                    "CHILD": child,
                    "SEX": sex,
                    "DOB": self.dob(child),
                    "ETHNIC": ETHNICITY_IN_RETURN.get(ethnicity, ethnicity),
                    "UPN": person.get("pers_upn_unknown") or "",
                    "MOTHER": mother if sex == "F" else "",
                    "MC_DOB": "",
                }
            )
        return out


def write_ssda903(ssd_dir: Path, out_dir: Path, *, year: int) -> Path:
    """Write the return for the year ending 31 March `year`, from the SSD tables (one CSV per
    table) in `ssd_dir`, as CSV tables in `out_dir` (made if need be); returns `out_dir`."""
    ssd_dir, out_dir = Path(ssd_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    council = _Return(ssd_dir, year)
    tables = {
        "episodes": council.episodes(),
        "reviews": council.reviews(),
        "missing": council.missing(),
        "oc3": council.care_leavers(),
    }
    tables["header"] = council.header()
    for word, rows in tables.items():
        _write(out_dir / f"SSDA903_{year}_{word}.csv", COLUMNS[word], rows)
    return out_dir
