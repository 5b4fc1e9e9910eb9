"""The council's framework for practice as content: what it holds, read from and written back to
plain data (the shape of `example_framework.yml`, and of a version's `content`).

    framework = parse(data)            # FrameworkError listing every problem, saying where
    data = framework.as_data()         # the same shape, ready to store or download

What each standard is tested by (its links) is checked against what exists by `links.problems`.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

DEFAULT_FILE = Path(__file__).parent / "example_framework.yml"
KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class FrameworkError(ValueError):
    """Content that cannot be used; the message lists every problem and where it is."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class Part:
    """One section of the framework as people read it, and the fields its items have."""

    key: str
    title: str  # plural heading: "Principles"
    singular: str  # "principle"
    summary: str  # what this part of a framework is, for the editing page


# The parts every framework has, in the order they are read. A standard also names the golden
# threads and principles it serves; a measure says how the framework as a whole is evaluated.
PARTS: tuple[Part, ...] = (
    Part("principles", "Principles", "principle", "What the council believes good help is."),
    Part(
        "commitments",
        "Commitments",
        "commitment",
        "What every child and family can expect from us.",
    ),
    Part("values", "Values", "value", "How we behave with children, families and each other."),
    Part(
        "golden_threads",
        "Golden threads",
        "golden thread",
        "What runs through every piece of work and every audit.",
    ),
    Part(
        "models",
        "Practice models",
        "practice model",
        "The ways of working the workforce is trained in.",
    ),
    Part(
        "standards",
        "Practice standards",
        "practice standard",
        "What good practice looks like, each tested by audits, figures and what people tell us.",
    ),
    Part(
        "measures",
        "How we evaluate the framework",
        "measure",
        "How the council will know whether the framework is making a difference.",
    ),
)
PART = {p.key: p for p in PARTS}


@dataclass(frozen=True)
class Item:
    """A principle, commitment, value, golden thread, practice model, standard or measure."""

    key: str
    title: str
    summary: str = ""
    # Standards: what good looks like, one point a line, and the golden threads and
    # principles the standard serves.
    good_looks_like: tuple[str, ...] = ()
    golden_threads: tuple[str, ...] = ()
    principles: tuple[str, ...] = ()
    # Standards and measures: what tests them, by kind of link (links.KINDS): ids of audit
    # questions, indicators, practice themes, recording checks and so on.
    links: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def linked(self, kind: str) -> tuple[str, ...]:
        return self.links.get(kind, ())

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"key": self.key, "title": self.title}
        if self.summary:
            data["summary"] = self.summary
        for name in ("good_looks_like", "golden_threads", "principles"):
            if getattr(self, name):
                data[name] = list(getattr(self, name))
        links = {kind: list(ids) for kind, ids in self.links.items() if ids}
        if links:
            data["links"] = links
        return data


@dataclass(frozen=True)
class Framework:
    name: str
    vision: str
    launch_date: datetime.date | None
    example: bool
    parts: dict[str, tuple[Item, ...]]

    def items(self, part: str) -> tuple[Item, ...]:
        return self.parts.get(part, ())

    @property
    def standards(self) -> tuple[Item, ...]:
        return self.items("standards")

    @property
    def measures(self) -> tuple[Item, ...]:
        return self.items("measures")

    def find(self, part: str, key: str) -> Item | None:
        return next((i for i in self.items(part) if i.key == key), None)

    def as_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "name": self.name,
            "example": self.example,
            "launch_date": self.launch_date.isoformat() if self.launch_date else "",
            "vision": self.vision,
        }
        for part in PARTS:
            data[part.key] = [item.as_data() for item in self.items(part.key)]
        return data


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _lines(value: object, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        value = value.splitlines()
    if not isinstance(value, list | tuple):
        problems.append(f"{where} must be a list.")
        return ()
    return tuple(dict.fromkeys(_text(v) for v in value if _text(v)))


def _links(value: object, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{where}: links must be a mapping of kind to a list of ids.")
        return {}
    return {
        str(kind): _lines(ids, f"{where}: links {kind}", problems) for kind, ids in value.items()
    }


def _item(raw: object, where: str, problems: list[str]) -> Item | None:
    if not isinstance(raw, dict):
        problems.append(f"{where} must have a key and a title.")
        return None
    key, title = _text(raw.get("key")), _text(raw.get("title"))
    if not key or not title:
        problems.append(f"{where} needs a key and a title.")
        return None
    if not KEY.fullmatch(key):
        problems.append(f"{where}: key {key!r} must be lower-case letters and digits with hyphens.")
    return Item(
        key=key,
        title=title,
        summary=str(raw.get("summary") or "").strip(),
        good_looks_like=_lines(raw.get("good_looks_like"), f"{where}: good_looks_like", problems),
        golden_threads=_lines(raw.get("golden_threads"), f"{where}: golden_threads", problems),
        principles=_lines(raw.get("principles"), f"{where}: principles", problems),
        links=_links(raw.get("links"), where, problems),
    )


def _date(value: object, problems: list[str]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        problems.append(f"launch_date {value!r} must be a date written YYYY-MM-DD.")
        return None


def parse(data: object) -> Framework:
    """A framework from plain data, or FrameworkError naming every problem and where it is.
    Links are checked separately (links.problems), since what exists changes over time."""
    problems: list[str] = []
    if not isinstance(data, dict):
        raise FrameworkError(["A framework must be a mapping with a name, a vision and parts."])
    name = _text(data.get("name"))
    if not name:
        problems.append("The framework needs a name.")
    parts: dict[str, tuple[Item, ...]] = {}
    for part in PARTS:
        raw = data.get(part.key) or []
        if not isinstance(raw, list):
            problems.append(f"{part.title} must be a list.")
            raw = []
        items: list[Item] = []
        for n, entry in enumerate(raw, start=1):
            item = _item(entry, f"{part.title}, item {n}", problems)
            if item is None:
                continue
            if any(i.key == item.key for i in items):
                problems.append(f"{part.title}, item {n}: key {item.key!r} is used twice.")
            items.append(item)
        parts[part.key] = tuple(items)
    for n, standard in enumerate(parts["standards"], start=1):
        for name_of, part_key in (
            ("golden_threads", "golden_threads"),
            ("principles", "principles"),
        ):
            known = {i.key for i in parts[part_key]}
            for key in getattr(standard, name_of):
                if key not in known:
                    problems.append(
                        f"Practice standards, item {n} ({standard.key}): there is no "
                        f"{PART[part_key].singular} {key!r}."
                    )
    framework = Framework(
        name=name,
        vision=str(data.get("vision") or "").strip(),
        launch_date=_date(data.get("launch_date"), problems),
        example=bool(data.get("example", False)),
        parts=parts,
    )
    if problems:
        raise FrameworkError(problems)
    return framework


def read_file(path: Path) -> Framework:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FrameworkError([f"{path}: {exc}"]) from None
    try:
        return parse(data)
    except FrameworkError as exc:
        raise FrameworkError([f"{path}: {p}" for p in exc.problems]) from None


def default_file() -> Path:
    configured = getattr(settings, "FRAMEWORK_FILE", "")
    return Path(configured) if configured else DEFAULT_FILE


@cache
def _default(path: str) -> Framework:
    return read_file(Path(path))


def default() -> Framework:
    """The framework in the council's file (or the example shipped with the product)."""
    return _default(str(default_file()))


def dump(framework: Framework) -> str:
    """The framework as YAML, to download and keep or load elsewhere."""
    return yaml.safe_dump(framework.as_data(), sort_keys=False, allow_unicode=True, width=100)
