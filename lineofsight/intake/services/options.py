"""What every import is given and what a source is made ready as: the options an entry point
takes, and the CSV files (with any problems found on the way) a source's reader prepares."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from ..models import ImportRun
from ..problems import Problem
from ..ssd import SourceFile

if TYPE_CHECKING:
    from lineofsight.accounts.models import User


class GateMode(StrEnum):
    """What an import does when the quality gate (intake.gate) finds changes that stop it."""

    STOP = "stop"  # fail, naming each change (the command line without --accept-changes)
    REVIEW = "review"  # wait, staged, for an analyst to publish or discard it (Imports page)
    ACCEPT = "accept"  # publish anyway, keeping the changes on the run (--accept-changes)


# (phase, done, total, label): what a command line progress bar needs.
Progress = Callable[[str, int, int, str], None]


@dataclass
class Prepared:
    """A source made ready for ImportJob.read: CSV files, plus what was found on the way."""

    files: list[SourceFile]
    problems: list[Problem] = field(default_factory=list)
    label: str = ""  # how problems about the whole source name it
    fingerprint: list[Path] | None = None  # files to hash, when not the CSV files themselves
    source_fields: dict[str, list[str]] = field(default_factory=dict)  # see ParsedExtract.fields
    # The text encoding each fingerprinted file was read in, by file name, when a reader knows.
    encodings: dict[str, str] = field(default_factory=dict)


class ImportOptions(TypedDict, total=False):
    """How an import runs, whatever its source. Left out: no date given (the data's own),
    nobody named, no progress shown, a new run, and STOP at changes the quality gate finds."""

    as_at: datetime.date | None
    actor: User | None
    os_user: str
    progress: Progress | None
    run: ImportRun | None  # a run already recorded (the Imports page's) instead of a new one
    gate_mode: GateMode | str
