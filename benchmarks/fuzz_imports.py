"""Do imports refuse malformed files cleanly? Thousands of broken inputs, every format.

    python benchmarks/fuzz_imports.py                          # 1,000 files per format
    python benchmarks/fuzz_imports.py --per-format 30          # a quick look
    python benchmarks/fuzz_imports.py --formats cin_xml,ssd_zip --seed 7

Each input is a valid file (or folder) broken one way (lineofsight/intake/tests/fuzz.py: damaged
bytes, wrong encodings, lines or elements doubled or dropped, impossible values, swapped
columns, hostile XML, lying zips), imported with the real import service on a temporary data
folder and SQLite database. Per format it prints the files tried, how many were refused with a
clear problem, how many imported, and how many raised a traceback or, refused, still left a
snapshot behind. Target: no tracebacks and no partial snapshots; exit status 1 otherwise. The
first few tracebacks are printed in full, with the input that caused them.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import inprocess  # benchmarks/ is not a package: run as a script, its folder is on the path

FORMATS = (
    "ssd_csv",
    "ssd_zip",
    "annex_a_xlsx",
    "annex_a_xls",
    "cin_xml",
    "ssda903_csv",
    "ssda903_xml",
    "csww_xml",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-format", type=int, default=1000, help="inputs per format (1000)")
    parser.add_argument(
        "--formats",
        default=",".join(FORMATS),
        help=f"comma-separated, from {', '.join(FORMATS)} (default: all)",
    )
    parser.add_argument("--seed", type=int, default=0, help="hypothesis seed, for a repeat run")
    parser.add_argument(
        "--show", type=int, default=3, help="kinds of traceback printed in full (3)"
    )
    parser.add_argument(
        "--save-failures", type=Path, help="keep each input that failed here, to replay it"
    )
    parser.add_argument(
        "--post-load-steps",
        action="store_true",
        help="run the derived-table steps other apps register (slower; off by default)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        parser.error(f"unknown format(s) {', '.join(unknown)}; choose from {', '.join(FORMATS)}")

    with inprocess.temporary_django("los-fuzz-", args.keep):
        from django.core.management import call_command

        from lineofsight.intake import pipeline
        from lineofsight.intake.tests import fuzz

        quiet = {"stdout": io.StringIO(), "stderr": io.StringIO()}
        inprocess.step("migrating", lambda: call_command("migrate", verbosity=0, **quiet))
        if not args.post_load_steps:
            pipeline.POST_LOAD_STEPS.clear()
        inprocess.step("importing the valid extract", fuzz.import_baseline)
        results = {
            fmt: fuzz_format(fuzz, fmt, args.per_format, args.seed, args.save_failures)
            for fmt in formats
        }
    return report(results, args.show)


def fuzz_format(fuzz, fmt: str, count: int, seed: int, save: Path | None) -> dict:
    """Import `count` malformed inputs of `fmt`; the tallies and the failures found."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    tally: Counter[str] = Counter()
    failures: list[tuple[str, str]] = []  # (the input, what went wrong)
    slowest: list = [0.0, ""]  # seconds, and the input
    started = time.perf_counter()
    print(f"- {fmt}: {count} inputs ...", flush=True)

    # Generation only, never shrinking: a failure is counted and kept, not raised.
    @hypothesis_seed(seed)
    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzz.malformed(fmt))
    def one(malformed) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = malformed.write(Path(tmp))
            began = time.perf_counter()
            try:
                outcome = fuzz.run_one(fmt, path)
            except Exception:  # run_one itself broke: count it, so nothing hides
                outcome = fuzz.Outcome("traceback", detail=traceback.format_exc())
            took = time.perf_counter() - began
            # A file that is slow to refuse is a way to hold an import up: keep the slowest.
            if took > slowest[0]:
                slowest[:] = [took, malformed.description]
            tally["tried"] += 1
            tally[outcome.kind] += 1
            problems = []
            if outcome.kind == "traceback":
                problems.append(outcome.detail)
            if outcome.partial:
                tally["partial"] += 1
                problems.append(f"Refused, but left a snapshot behind: {outcome.partial}")
            if problems:
                failures.append((malformed.description, "\n".join(problems)))
                if save is not None:
                    kept = save / fmt / f"{len(failures):04d}"
                    malformed.write(kept)
                    (kept / "what.txt").write_text(malformed.description + "\n")

    one()
    tally["seconds"] = round(time.perf_counter() - started)
    return {"tally": tally, "failures": failures, "slowest": slowest}


def report(results: dict[str, dict], show: int) -> int:
    print()
    header = ("format", "tried", "rejected", "imported", "tracebacks", "partial", "target", "")
    rows = []
    for fmt, result in results.items():
        t = result["tally"]
        passed = t["traceback"] == 0 and t["partial"] == 0
        rows.append(
            (
                fmt,
                str(t["tried"]),
                str(t["rejected"]),
                str(t["imported"]),
                str(t["traceback"]),
                str(t["partial"]),
                "0 tracebacks, 0 partial",
                "PASS" if passed else "FAIL",
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    print(
        "(rejected: refused with an error naming what and where; imported: accepted, the break "
        "being harmless; seconds per format: "
        + ", ".join(f"{f} {r['tally']['seconds']}" for f, r in results.items())
        + ")"
    )
    for fmt, result in results.items():
        seconds, what = result["slowest"]
        print(f"slowest {fmt}: {seconds:.1f} s ({what})")
    # The same bug is met again and again: show each kind once, with how often it was met.
    kinds: dict[str, list[tuple[str, str, str]]] = {}
    for fmt, result in results.items():
        for description, what in result["failures"]:
            kinds.setdefault(signature(what), []).append((fmt, description, what))
    if kinds:
        print(f"\n{len(kinds)} kind(s) of failure:")
        for key, found in kinds.items():
            print(f"  {len(found):5}  {key}")
    for key, found in list(kinds.items())[:show]:
        fmt, description, what = found[0]
        print(f"\n=== {key}\n--- {fmt}: {description}\n{what.rstrip()}")
    return 0 if all(r[-1] == "PASS" for r in rows) else 1


def signature(what: str) -> str:
    """What kind of failure this is: the exception and the last place in Line of Sight's own
    code it passed through (or the first line, for a failure that is not an exception)."""
    frames = [
        f"{path.split('lineofsight/', 1)[1]}:{line}"
        for path, line in re.findall(r'File "([^"]*)", line (\d+)', what)
        if "lineofsight/" in path and "/tests/" not in path
    ]
    raised = [
        line.split(":", 1)[0]
        for line in what.splitlines()
        if re.match(r"^[A-Za-z_][\w.]*(: |$)", line) and not line.startswith("Traceback")
    ]
    if not raised or not frames:
        return what.splitlines()[0][:120] if what.strip() else "(no detail)"
    return f"{raised[-1]} in {frames[-1]}"


if __name__ == "__main__":
    sys.exit(main())
