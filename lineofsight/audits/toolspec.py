"""Reading an audit tool from YAML, and saying exactly what is wrong with one that is invalid.

Pure: no database. `services.audit_tools_load` stores what this returns. The file format:

    key: golden-threads            # stable identifier of the tool, a slug
    version: 1                     # a loaded version in use never changes: raise this instead
    name: Golden threads
    summary: ...
    answer_scale:                  # the same scale for every question of the tool
      - {value: "yes", label: "Yes", guidance: ...}
      - {value: "no", label: "No", concern: true}        # counted in the themes report
      - {value: not_applicable, label: ..., not_applicable: true}   # left out of denominators
    overall_descriptors: {outstanding: ..., good: ..., requires_improvement: ..., inadequate: ...}
    sections:
      - key: assessment
        title: Assessment
        guidance: ...
        descriptors: {outstanding: ..., good: ..., requires_improvement: ..., inadequate: ...}
        questions:
          - {key: current, text: ..., guidance: ..., evidence: ...}
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .grades import GRADE_KEYS

DEFAULT_TOOLS_DIR = Path(__file__).parent / "audit_tools"
_SLUG = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")


class ToolSpecError(ValueError):
    """The file is not a valid audit tool; `problems` lists each fault and where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    text: str
    guidance: str = ""
    evidence_prompt: str = ""


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str
    guidance: str
    descriptors: dict[str, str]
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class ToolSpec:
    key: str
    version: int
    name: str
    summary: str
    answer_scale: tuple[dict[str, Any], ...]
    overall_descriptors: dict[str, str]
    sections: tuple[SectionSpec, ...]
    content_hash: str
    source: str = ""
    problems: list[str] = field(default_factory=list, compare=False)


def _text(node: dict, name: str, where: str, problems: list[str], required: bool = True) -> str:
    value = node.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(f"{where}: '{name}' is missing")
        return ""
    if not isinstance(value, str):
        problems.append(f"{where}: '{name}' must be text (put it in quotes), not {value!r}")
        return ""
    return " ".join(value.split()) if name != "text" else value.strip()


def _slug(node: dict, where: str, problems: list[str]) -> str:
    key = node.get("key")
    if not isinstance(key, str) or not _SLUG.match(key):
        problems.append(
            f"{where}: 'key' must be lower-case letters, digits and dashes, not {key!r}"
        )
        return ""
    return key


def _descriptors(node: Any, where: str, problems: list[str]) -> dict[str, str]:
    if not isinstance(node, dict):
        problems.append(f"{where}: 'descriptors' must give a descriptor for each of the 4 grades")
        return {}
    out: dict[str, str] = {}
    for grade in GRADE_KEYS:
        out[grade] = _text(node, grade, f"{where} descriptors", problems)
    extra = sorted(set(node) - set(GRADE_KEYS))
    if extra:
        problems.append(f"{where} descriptors: unknown grade(s) {', '.join(map(str, extra))}")
    return out


def _scale(node: Any, problems: list[str]) -> tuple[dict[str, Any], ...]:
    if not isinstance(node, list) or len(node) < 2:
        problems.append("answer_scale: give at least two answers")
        return ()
    scale = []
    seen: set[str] = set()
    for i, item in enumerate(node, start=1):
        where = f"answer_scale item {i}"
        if not isinstance(item, dict):
            problems.append(f"{where}: must have a value and a label")
            continue
        value = item.get("value")
        if not isinstance(value, str) or not _SLUG.match(value):
            problems.append(
                f"{where}: 'value' must be a quoted lower-case word (\"yes\", not yes), "
                f"not {value!r}"
            )
            continue
        if value in seen:
            problems.append(f"{where}: the value {value!r} appears twice")
        seen.add(value)
        scale.append(
            {
                "value": value,
                "label": _text(item, "label", where, problems),
                "guidance": _text(item, "guidance", where, problems, required=False),
                "concern": bool(item.get("concern", False)),
                "not_applicable": bool(item.get("not_applicable", False)),
            }
        )
    if scale and not any(a["concern"] for a in scale):
        problems.append("answer_scale: mark the answer that means 'not met' with concern: true")
    return tuple(scale)


def _items(raw: object, where: str, what: str, problems: list[str]) -> list:
    """The list of `what`s at `where`, which must hold at least one (else a problem, and [])."""
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: '{what}s' must list at least one {what}")
        return []
    return raw


def _keyed(
    raw: object,
    where: str,
    what: str,
    needs: str,
    problems: list[str],
    *,
    within: str = "",
    named: bool = False,
) -> Iterator[tuple[dict, str, str]]:
    """Each `what` listed at `where` (at least one), as (its mapping, its key, the place its
    problems name: "section 2 (visits)", "section 2 (visits) question 3"), with a problem for
    each that is not a mapping holding `needs` and for each key used twice. `within` is the
    place of the enclosing item; `named` names each place by its key too."""
    seen: set[str] = set()
    for index, item in enumerate(_items(raw, where, what, problems), start=1):
        place = f"{within} {what} {index}" if within else f"{what} {index}"
        if not isinstance(item, dict):
            problems.append(f"{place}: must be a mapping with {needs}")
            continue
        key = _slug(item, place, problems)
        if named:
            place = f"{place} ({key or '?'})"
        if key in seen:
            problems.append(f"{place}: the key {key!r} is used by another {what}")
        seen.add(key)
        yield item, key, place


def parse(text: str, source: str = "") -> ToolSpec:
    """The tool in `text`, or ToolSpecError listing every problem found."""
    problems: list[str] = []
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ToolSpecError(source, [f"not valid YAML: {exc}"]) from None
    if not isinstance(doc, dict):
        raise ToolSpecError(source, ["the file must describe one tool (a mapping at the top)"])
    key = _slug(doc, "tool", problems)
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append(f"tool: 'version' must be a whole number from 1, not {version!r}")
        version = 0
    name = _text(doc, "name", "tool", problems)
    summary = _text(doc, "summary", "tool", problems, required=False)
    scale = _scale(doc.get("answer_scale"), problems)
    overall = _descriptors(doc.get("overall_descriptors"), "overall", problems)
    sections: list[SectionSpec] = []
    for raw, s_key, where in _keyed(
        doc.get("sections"), "tool", "section", "a key, title and questions", problems, named=True
    ):
        questions = tuple(
            QuestionSpec(
                key=q_key,
                text=_text(q, "text", q_where, problems),
                guidance=_text(q, "guidance", q_where, problems, required=False),
                evidence_prompt=_text(q, "evidence", q_where, problems, required=False)[:300],
            )
            for q, q_key, q_where in _keyed(
                raw.get("questions"), where, "question", "a key and text", problems, within=where
            )
        )
        sections.append(
            SectionSpec(
                key=s_key,
                title=_text(raw, "title", where, problems),
                guidance=_text(raw, "guidance", where, problems, required=False),
                descriptors=_descriptors(raw.get("descriptors"), where, problems),
                questions=questions,
            )
        )
    if problems:
        raise ToolSpecError(source, problems)
    return ToolSpec(
        key=key,
        version=version,
        name=name,
        summary=summary,
        answer_scale=scale,
        overall_descriptors=overall,
        sections=tuple(sections),
        content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=source,
    )


def read_files(paths: list[Path]) -> list[ToolSpec]:
    """Every tool in `paths` (files, or folders of *.yml / *.yaml), checked all together."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted([*path.glob("*.yml"), *path.glob("*.yaml")]))
        else:
            files.append(path)
    specs: list[ToolSpec] = []
    errors: list[str] = []
    for file in files:
        try:
            specs.append(parse(file.read_text(encoding="utf-8"), source=file.name))
        except ToolSpecError as exc:
            errors.append(str(exc))
        except OSError as exc:
            errors.append(f"{file}: cannot be read ({exc.strerror})")
    seen: dict[tuple[str, int], str] = {}
    for spec in specs:
        ident = (spec.key, spec.version)
        if ident in seen:
            errors.append(
                f"{spec.source}: tool {spec.key!r} version {spec.version} is also in {seen[ident]}"
            )
        seen[ident] = spec.source
    if errors:
        raise ToolSpecError("audit tools", errors)
    return specs
