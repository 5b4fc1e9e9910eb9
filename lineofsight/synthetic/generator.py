"""Build a synthetic council: SSD tables, structure.json and the Ofsted Annex A workbook.

Large areas (England) are split into independent shards built in parallel processes; each shard
streams its rows to part files that are then joined in shard order, so the output is the same
whatever the number of processes.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import time
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tqdm import tqdm

from lineofsight.casework import schema
from lineofsight.publishedstats.loader import ENGLAND

from .annex_a import MAX_ROWS, write_annex_a
from .calendar import Calendar
from .csww import write_census
from .output import TableFiles, join_parts
from .records import NOTE_DAYS, Recorder, write_teams, write_workers
from .sampling import Draw, round_half_up, seeded
from .skeleton import build
from .targets import Targets, area_targets, shard_count, split
from .workforce import build_layout, staff

# Children known only through a contact, per referral in the window.
CONTACT_ONLY_PER_REFERRAL = 0.65
# England's notes for a whole year would be ~13 million rows (4 GB): a national run keeps the last
# quarter's, which is enough to exercise the recording checks at scale.
NATIONAL_NOTE_DAYS = 92
PROGRESS_FROM_CHILDREN = 40_000
# Raised whenever the same arguments give a different council, so that a council built and kept
# earlier (the demonstration's) can be told apart from one this version would build.
# 2: starts and endings at a steady pace, no closings piled up before the as-at date.
GENERATOR_VERSION = 2


@dataclass
class Result:
    out: Path
    targets: Targets
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    annex_a: Path | None = None
    messages: list[str] = field(default_factory=list)


def _calendar(year: int) -> Calendar:
    return Calendar(date(year - 28, 1, 1), date(year + 2, 12, 31))


def build_shard(
    t: Targets,
    seed: int,
    directory: Path,
    header: bool,
    progress: bool = False,
    note_days: int = NOTE_DAYS,
) -> dict[str, object]:
    """Write one shard's tables into `directory`; return its part of structure.json."""
    cal = _calendar(t.year)
    layout = build_layout(t, Draw(seeded(seed, t.area, t.year, t.shard, "layout")))
    skeleton = build(t, layout, cal, Draw(seeded(seed, t.area, t.year, t.shard, "skeleton")))
    workers = staff(
        layout,
        t,
        skeleton.open_at_census,
        skeleton.statutory_at_census,
        Draw(seeded(seed, t.area, t.year, t.shard, "staff")),
    )
    with closing(TableFiles(directory, header=header)) as files:
        rows_draw = Draw(seeded(seed, t.area, t.year, t.shard, "rows"))
        recorder = Recorder(t, layout, workers, cal, rows_draw, files.rows, note_days=note_days)
        chains = skeleton.chains
        show = progress and len(chains) >= PROGRESS_FROM_CHILDREN
        for i, chain in enumerate(
            tqdm(chains, desc="children", unit="", disable=not show, file=sys.stderr)
        ):
            recorder.chain(chain)
            if i % 2048 == 2047:
                files.flush()
        referrals = sum(f.referrals for f in t.flows)
        recorder.contact_only(round_half_up(referrals * CONTACT_ONLY_PER_REFERRAL))
        write_teams(layout, files.rows)
        write_workers(workers, files.rows)
    counts = dict(files.counts)
    return {
        "rows": counts,
        "services": [
            {
                "id": sid,
                "name": name,
                "teams": [tm.id for tm in layout.teams if tm.service_id == sid],
            }
            for sid, name in layout.services
        ],
        "teams": [
            {
                "id": tm.id,
                "name": tm.name,
                "service_id": tm.service_id,
                "service": tm.service,
                "kind": tm.kind,
                "drifting": tm.drift,
            }
            for tm in layout.teams
        ],
        "workers": [
            {
                "id": w.id,
                "name": w.name,
                "team_id": w.team.id,
                "role": w.role,
                "job_title": w.job_title,
                "fte": w.fte,
                "agency": w.agency,
                "social_work_england_number": w.registration,
                "caseload_at_census": w.caseload,
            }
            for w in workers
        ],
    }


def _shard_job(args: tuple[Targets, int, str, bool, int]) -> dict[str, object]:
    t, seed, directory, header, note_days = args
    return build_shard(t, seed, Path(directory), header, note_days=note_days)


def synthesize(
    area: str,
    out: Path,
    *,
    year: int | None = None,
    scale: float = 1.0,
    seed: int = 1,
    annex_a: bool = True,
    progress: bool = False,
    processes: int | None = None,
    note_days: int | None = None,
) -> Result:
    """Generate a council (or England) into `out`: ssd/<table>.csv, structure.json, annex_a.xlsx."""
    started = time.monotonic()
    t = area_targets(area, year, scale)
    if note_days is None:
        note_days = NATIONAL_NOTE_DAYS if t.area == ENGLAND else NOTE_DAYS
    shards = split(t, shard_count(t))
    out.mkdir(parents=True, exist_ok=True)
    ssd_dir = out / "ssd"
    result = Result(out=out, targets=t)
    if len(shards) == 1:
        parts = [
            build_shard(
                shards[0], seed, ssd_dir, header=True, progress=progress, note_days=note_days
            )
        ]
    else:
        staging = out / ".parts"
        shutil.rmtree(staging, ignore_errors=True)
        jobs = [(s, seed, str(staging / f"{s.shard:03d}"), s.shard == 0, note_days) for s in shards]
        n_proc = processes or min(len(shards), os.cpu_count() or 1, 2)
        parts = []
        with multiprocessing.get_context("spawn").Pool(n_proc) as pool:
            for part in tqdm(
                pool.imap(_shard_job, jobs),
                total=len(jobs),
                desc="shards",
                disable=not progress,
                file=sys.stderr,
            ):
                parts.append(part)
        join_parts([Path(j[2]) for j in jobs], ssd_dir)
        shutil.rmtree(staging, ignore_errors=True)
    structure = {
        "area": t.area,
        "area_name": t.area_name,
        "synthetic": True,
        "generator_version": GENERATOR_VERSION,
        "year": t.year,
        "as_at": f"{t.year}-03-31",
        "scale": scale,
        "seed": seed,
        "services": [s for p in parts for s in p["services"]],
        "teams": [s for p in parts for s in p["teams"]],
        "workers": [s for p in parts for s in p["workers"]],
    }
    (out / "structure.json").write_text(
        json.dumps(structure, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    result.rows = {name: sum(p["rows"][name] for p in parts) for name in schema.tables()}
    if t.area != ENGLAND:
        # The council's workforce census return (CSWW XML), matching its SSD professionals.
        write_census(out, seed=seed)
    if annex_a:
        written = write_annex_a(ssd_dir, out / "annex_a.xlsx", t.year, area_name=t.area_name)
        if written is None:
            result.messages.append(
                f"Annex A not written: a list would exceed Excel's {MAX_ROWS:,} rows per sheet."
            )
        else:
            result.annex_a = written
    result.seconds = time.monotonic() - started
    return result
