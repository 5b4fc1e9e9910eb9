"""lineofsight recording check [FILE] [--default-rules]

Checks text outside any snapshot (for analysts, and for measuring the checker): reads JSON lines
{"id": ..., "text": ...} from FILE, or standard input when no FILE is given, and writes one JSON
line per input line:

  {"id": ..., "child_voice": true|false, "analysis": true|false, "decision_rationale": true|false,
   "discouraged": [{"text", "start", "end", "preferred", "legal"}],
   "acronyms": [{"text", "start", "end"}], "long_sentences": n, "reading_ease": x|null,
   "findings": [{"rule", "text", "start", "end", "message", "suggestion", "guidance", "severity"}],
   "evidence": [{"marker", "text", "start", "end"}]}

A line may also give "child" (the child's first name) and "child_age" (years), which help judge
the child's voice, and "people" (other people's names) for the privacy check. A bad line (not
JSON, no text, text over 1 MB) gets {"id", "line", "error"} in its place, and a message on
standard error; the other lines go on, and the command exits with status 1 at the end. Offsets
are in characters of the text as given.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.utils import DatabaseError

from lineofsight.recording import checker
from lineofsight.recording.selectors.rules import rules_in_force

MAX_TEXT_BYTES = 1_000_000  # 1 MB of UTF-8


class LineError(ValueError):
    pass


def _parse(line: str, number: int) -> dict:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        raise LineError(f"line {number}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(item, dict):
        raise LineError(f'line {number}: expected an object with "id" and "text"')
    text = item.get("text")
    if not isinstance(text, str) or not text.strip():
        raise LineError(f'line {number}: no text (give "text" as a non-empty string)')
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise LineError(f"line {number}: the text is over 1 MB")
    age = item.get("child_age")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int | float)):
        raise LineError(f"line {number}: child_age must be a number of years")
    people = item.get("people") or []
    if not isinstance(people, list) or not all(isinstance(p, str) for p in people):
        raise LineError(f"line {number}: people must be a list of names")
    child = item.get("child") or ""
    if not isinstance(child, str):
        raise LineError(f"line {number}: child must be a first name")
    return item


def result_json(item_id: object, result: checker.Result) -> dict:
    return {
        "id": item_id,
        "child_voice": result.child_voice,
        "analysis": result.analysis,
        "decision_rationale": result.decision_rationale,
        "discouraged": [
            {
                "text": f.text,
                "start": f.start,
                "end": f.end,
                "preferred": f.suggestion,
                "legal": f.rule == "legal-term",
            }
            for f in result.discouraged
        ],
        "acronyms": [{"text": f.text, "start": f.start, "end": f.end} for f in result.acronyms],
        "long_sentences": result.long_sentences,
        "reading_ease": result.reading_ease,
        "findings": [f.as_dict() for f in result.findings],
        "evidence": [
            {"marker": e.marker, "text": e.text, "start": e.start, "end": e.end}
            for e in result.evidence
        ],
    }


def check_lines(lines: Iterable[str], rules: checker.Rules) -> Iterator[tuple[dict, str | None]]:
    """Each input line's output, with the error message when the line was bad."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = _parse(line, number)
        except LineError as exc:
            item_id = None
            try:
                loaded = json.loads(line)
                item_id = loaded.get("id") if isinstance(loaded, dict) else None
            except json.JSONDecodeError:
                pass
            yield {"id": item_id, "line": number, "error": str(exc)}, str(exc)
            continue
        result = checker.check(
            item["text"],
            rules=rules,
            child=item.get("child") or "",
            child_age=item.get("child_age"),
            people=frozenset(item.get("people") or ()),
        )
        yield result_json(item.get("id"), result), None


class Command(BaseCommand):
    help = "Checks the recording of case-note text given as JSON lines (see `recording check -h`)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="check JSON lines of text, one result line each")
        check.add_argument("file", nargs="?", help="JSON lines file (default: standard input)")
        check.add_argument(
            "--default-rules",
            action="store_true",
            help="use the word lists Line of Sight starts with, not the council's",
        )

    def handle(self, *args, **options) -> None:
        rules = self._rules(options["default_rules"])
        bad = 0
        source: TextIO
        if options["file"]:
            try:
                source = open(options["file"], encoding="utf-8")  # noqa: SIM115 (closed below)
            except OSError as exc:
                raise CommandError(f"Cannot read {options['file']}: {exc.strerror}") from None
        else:
            source = sys.stdin
        try:
            for output, error in check_lines(source, rules):
                self.stdout.write(json.dumps(output, ensure_ascii=False))
                if error:
                    bad += 1
                    self.stderr.write(error)
        except UnicodeDecodeError:
            raise CommandError("The input is not UTF-8 text.") from None
        finally:
            if source is not sys.stdin:
                source.close()
        if bad:
            raise CommandError(f"{bad} line(s) could not be checked (see above).", returncode=1)

    def _rules(self, default: bool) -> checker.Rules:
        if default:
            return checker.Rules.default()
        try:
            return rules_in_force()
        except DatabaseError:
            # No database yet (a fresh checkout): the shipped lists are the council's until it
            # saves its own.
            return checker.Rules.default()
