"""Annex A import: Line of Sight beside liiatools 0.2.0 on the same workbook, in the same run.

    .venv/bin/python benchmarks/annex_a_vs_liiatools.py [--workbook FILE] [--setup]

Without --workbook it synthesizes Kent (886) at scale 1 and uses its Annex A workbook. liiatools
runs in its own virtual environment, benchmarks/.venv-liiatools (ignored by git); --setup makes it.
On Python 3.11 liiatools 0.2.0 installs only with faust-cchardet in place of cchardet, numpy<1.25,
pandas<2 and PyYAML, which --setup does.

Ours is the whole command `lineofsight import annex-a FILE` (read, every validation check, write
the snapshot with its timeliness tables); theirs is `python -m liiatools annex-a cleanfile`
(read, clean, write a cleaned workbook). Each runs in its own process; wall time and peak memory
are that process's.

liiatools 0.2.0 cannot read the workbook exactly as the synthetic council writes it: it takes the
title row above each list's headers for the headers, and it drops cells that a sheet leaves out
(openpyxl writes no cell for a blank), so rows come out shorter than the header and it stops with
`InvalidDimensions`. Both are allowed in Annex A workbooks. So both tools are timed on one copy
made for liiatools: the same values, with the title rows removed and every blank written as an
empty cell (`liiatools_copy`). Ours reads that copy as readily as the original.
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
VENV = ROOT / "benchmarks" / ".venv-liiatools"
TARGET_RATIO = 50.0  # at least 50 times liiatools' speed; 100 is the aim
LIIATOOLS_PINS = [
    "liiatools==0.2.0",
    "PyYAML>=6,<7",
    "XlsxWriter>=3.0.3,<4",
    "faust-cchardet",
    "click>=8.1.2,<9",
    "click-log>=0.4,<0.5",
    "dacite>=1.6,<2",
    "lxml>=4.9.1,<5",
    "more-itertools>=8.12,<9",
    "openpyxl>=3.0.9,<4",
    "pandas>=1.4.2,<2",
    "numpy<1.25",
    "python-decouple>=3.8,<4",
    "regex>=2022.4.24,<2023",
    "sfdata-stream-parser==0.4.1",
    "tablib[cli,xlsx]>=3.2,<4",
    "xlrd>=2.0.1,<3",
    "xmlschema>=1.10,<2",
]


def setup_liiatools() -> None:
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    # cchardet does not build on Python 3.11: install liiatools alone, then its needs by hand.
    subprocess.run([*pip, "--no-deps", LIIATOOLS_PINS[0]], check=True)
    subprocess.run([*pip, *LIIATOOLS_PINS[1:]], check=True)


def timed(
    cmd: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, int, str, float]:
    """Wall seconds, peak resident memory in GB, exit code, the tail of the output, and CPU
    seconds (user and system: what other work on the machine changes least)."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        out.seek(0)
        tail = out.read().decode(errors="replace")[-1500:]
    cpu = usage.ru_utime + usage.ru_stime
    return seconds, usage.ru_maxrss / 1024 / 1024, os.waitstatus_to_exitcode(status), tail, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workbook", type=Path)
    parser.add_argument("--setup", action="store_true", help="create the liiatools environment")
    args = parser.parse_args()

    if args.setup or not (VENV / "bin" / "python").exists():
        print("- setting up liiatools 0.2.0 in", VENV)
        setup_liiatools()

    work = Path(tempfile.mkdtemp(prefix="los-annexa-bench-"))
    workbook = args.workbook
    if workbook is None:
        print("- synthesizing Kent (886) at scale 1 ...")
        subprocess.run(
            [sys.executable, "manage.py", "synthesize", "--la", "886", "--out", str(work / "la")],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        workbook = work / "la" / "annex_a.xlsx"
    original = workbook
    workbook = work / "annex_a_for_liiatools.xlsx"
    liiatools_copy(original, workbook)
    print(f"- copy for liiatools (no title rows, blanks as empty cells): {workbook}")
    rows = _count_rows(workbook, title_rows=0)
    print(f"- workbook {workbook} ({workbook.stat().st_size / 1e6:.1f} MB, {rows:,} data rows)")

    env = {**os.environ, "LINEOFSIGHT_DATA_DIR": str(work / "var")}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    ours = timed([sys.executable, "manage.py", "import", "annex-a", str(workbook)], env=env)
    # liiatools knows only its own councils' codes; any one does for timing.
    (work / "liia-log").mkdir(exist_ok=True)
    (work / "liia-out").mkdir(exist_ok=True)
    theirs = timed(
        [
            str(VENV / "bin" / "python"),
            "-m",
            "liiatools",
            "annex-a",
            "cleanfile",
            "--i",
            str(workbook),
            "--la_code",
            "kac",
            "--la_log_dir",
            str(work / "liia-log"),
            "--o",
            str(work / "liia-out"),
        ]
    )
    if ours[2] != 0:
        print("our import failed:\n" + ours[3])
    if theirs[2] != 0:
        print("liiatools failed:\n" + theirs[3])

    ratio = theirs[0] / ours[0]
    print()
    print(f"{'figure':<38}{'value':>12}  target")
    print(f"{'Line of Sight import (wall)':<38}{ours[0]:>11.1f}s")
    print(f"{'Line of Sight peak memory':<38}{ours[1]:>10.2f}GB")
    print(f"{'liiatools 0.2.0 cleanfile (wall)':<38}{theirs[0]:>11.1f}s")
    print(f"{'liiatools peak memory':<38}{theirs[1]:>10.2f}GB")
    print(f"{'Line of Sight import (CPU)':<38}{ours[4]:>11.1f}s")
    print(f"{'liiatools 0.2.0 cleanfile (CPU)':<38}{theirs[4]:>11.1f}s")
    cpu_ratio = theirs[4] / ours[4]
    print(f"{'speed-up in CPU time':<38}{cpu_ratio:>11.1f}x  (less changed by other work)")
    verdict = "PASS" if ratio >= TARGET_RATIO and ours[2] == 0 and theirs[2] == 0 else "FAIL"
    print(f"{'speed-up (liiatools / ours)':<38}{ratio:>11.1f}x  >= {TARGET_RATIO:g}x  {verdict}")
    print(
        "ours also checks keys, references between lists, dates and codes, and writes a "
        "snapshot with timeliness and drift tables"
    )
    return 0 if verdict == "PASS" else 1


def liiatools_copy(source: Path, target: Path) -> None:
    """The same lists without title rows, each row as wide as its header, blanks as empty cells."""
    import openpyxl

    book = openpyxl.load_workbook(source, read_only=True)
    out = openpyxl.Workbook(write_only=True)
    for sheet in book.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        # A title row has one filled cell; the header row has many.
        if header is not None and sum(v is not None for v in header) <= 1:
            header = next(rows, None)
        copy = out.create_sheet(sheet.title)
        if header is None:
            continue
        width = max((i + 1 for i, v in enumerate(header) if v is not None), default=0)
        copy.append(header[:width])
        for row in rows:
            cells = ["" if v is None else v for v in row[:width]]
            copy.append(cells + [""] * (width - len(cells)))
    out.save(target)
    book.close()


def _count_rows(workbook: Path, title_rows: int = 1) -> int:
    """Data rows across the list sheets: rows in each sheet's XML less its title and header."""
    import re
    import zipfile

    with zipfile.ZipFile(workbook) as book:
        sheets = [n for n in book.namelist() if re.match(r"xl/worksheets/sheet\d+\.xml$", n)]
        return sum(max(0, book.read(n).count(b"<row ") - 1 - title_rows) for n in sheets)


if __name__ == "__main__":
    sys.exit(main())
