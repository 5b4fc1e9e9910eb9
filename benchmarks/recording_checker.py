"""How long does checking case notes take, and where does the import's recording step spend it?

    python benchmarks/recording_checker.py                  # a synthetic Kent extract (made once)
    python benchmarks/recording_checker.py --extract DIR    # case_notes.csv of an extract you have

Reads the extract's case notes (and each child's first name and date of birth), then times:
  words    splitting every note into words, the least any check must do (the peer);
  serial   the checker on every note, one at a time, in this process;
  import   the import step's way (recording/derive.py: a repeated note checked once, worker
           processes when there are many).
It prints each time, per note, and the import step against its share of the Kent import's
budget (20 s for the whole import with every post-load step, see ssd_import.py).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lineofsight.settings")

# The Kent import without recording took about 6 s (ssd_import.py); the rest of 20 s is the
# most the recording step may take.
RECORDING_BUDGET_SECONDS = 14.0


def _extract(args: argparse.Namespace) -> Path:
    if args.extract:
        return args.extract / "ssd" if (args.extract / "ssd").is_dir() else args.extract
    out = Path(tempfile.gettempdir()) / "los-recording-bench-886"
    if not (out / "ssd" / "case_notes.csv").exists():
        print("Generating a synthetic Kent extract (once)...", flush=True)
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), "synthesize", "--la", "886", "--out",
             str(out), "--no-annex-a"],
            cwd=ROOT, check=True, capture_output=True,
        )  # fmt: skip
    return out / "ssd"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extract", type=Path)
    parser.add_argument("--notes", type=int, default=0, help="only the first N notes")
    parser.add_argument("--workers", type=int, default=0, help="processes (default: as imports)")
    args = parser.parse_args()

    import django

    django.setup()
    import duckdb

    from lineofsight.recording import checker, derive

    extract = _extract(args)
    limit = f"LIMIT {args.notes}" if args.notes else ""
    con = duckdb.connect()
    rows = con.execute(
        f"""
        SELECT coalesce(n.note_text, ''), coalesce(p.pers_forename, ''),
               date_diff('day', TRY_CAST(p.pers_dob AS DATE), TRY_CAST(n.note_date AS DATE))
                   / 365.25
        FROM read_csv(?, all_varchar = true) n
        LEFT JOIN read_csv(?, all_varchar = true) p ON p.pers_person_id = n.note_person_id
        {limit}
        """,
        [str(extract / "case_notes.csv"), str(extract / "ssd_person.csv")],
    ).fetchall()
    people = frozenset(
        r[0]
        for r in con.execute(
            "SELECT DISTINCT trim(pers_forename) FROM read_csv(?, all_varchar = true) "
            "WHERE pers_forename IS NOT NULL",
            [str(extract / "ssd_person.csv")],
        ).fetchall()
    )
    notes = [
        (text, forename.split()[0] if forename.strip() else "", age) for text, forename, age in rows
    ]
    distinct = len(set(notes))
    rules = checker.Rules.default()
    print(f"Case notes: {len(notes):,} ({distinct:,} different), {len(people):,} first names")

    started = time.perf_counter()
    for text, _, _ in notes:
        text.split()
    words = time.perf_counter() - started

    started = time.perf_counter()
    for text, forename, age in notes[: min(len(notes), 50_000)]:
        checker.check(text, rules=rules, child=forename, child_age=age, people=people)
    sample = min(len(notes), 50_000)
    serial_per_note = (time.perf_counter() - started) / sample

    processes = args.workers or derive.workers()
    started = time.perf_counter()
    derive.checked(notes, rules=rules, people=people, processes=processes)
    step = time.perf_counter() - started

    print()
    n = len(notes)
    ok = step <= RECORDING_BUDGET_SECONDS
    rows_out = [
        ("split into words (peer)", f"{words:.2f} s", f"{words / n * 1e6:.1f} us", "", ""),
        (
            "checker, one note at a time",
            f"{serial_per_note * n:.1f} s (est.)",
            f"{serial_per_note * 1e6:.0f} us",
            "",
            f"{serial_per_note * n / words:.0f}x peer",
        ),
        (
            f"import step ({processes} processes)",
            f"{step:.1f} s",
            f"{step / n * 1e6:.0f} us",
            f"<= {RECORDING_BUDGET_SECONDS:g} s",
            "PASS" if ok else "FAIL",
        ),
    ]
    widths = [max(len(r[i]) for r in rows_out) for i in range(5)]
    header = ("figure", "time", "per note", "target", "")
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in rows_out:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
