"""What a practice standard can be tested by: the kinds of link, filled in by the apps that own
the things linked to (audit questions, indicators, recording checks...) in AppConfig.ready().

    register(LinkKind("indicators", "Indicators", known=lambda: {...}))
    problems(framework)     # every link that names something that does not exist, saying where
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from lineofsight.web.registry import add_once

from .content import PART, Framework


@dataclass(frozen=True)
class LinkKind:
    key: str  # as written in the framework: "audit_questions"
    label: str  # "Audit questions"
    # Every id that exists now, with what people read for it.
    known: Callable[[], Mapping[str, str]]
    # Whether `link` names something that exists, for kinds where a prefix names a group
    # (an audit tool, or one of its sections); by default, the id is one of `known`.
    accepts: Callable[[str, Mapping[str, str]], bool] | None = None
    order: int = 50

    def exists(self, link: str, known: Mapping[str, str]) -> bool:
        return self.accepts(link, known) if self.accepts else link in known


_KINDS: list[LinkKind] = []


def register(kind: LinkKind) -> None:
    if any(k.key == kind.key and k is not kind for k in _KINDS):
        return  # ready() ran again with a new object for the same kind
    add_once(_KINDS, kind)


def kinds() -> list[LinkKind]:
    return sorted(_KINDS, key=lambda k: (k.order, k.label))


def kind(key: str) -> LinkKind | None:
    return next((k for k in _KINDS if k.key == key), None)


def known_by_kind() -> dict[str, Mapping[str, str]]:
    """What exists now for every kind of link (each kind read once)."""
    return {k.key: k.known() for k in kinds()}


def label_of(kind_key: str, link: str) -> str:
    """What people read for a link: its title where it exists, else the id itself."""
    found = kind(kind_key)
    if found is None:
        return link
    return found.known().get(link, link)


def problems(framework: Framework) -> list[str]:
    """Every link in the standards and measures that names a kind or a thing that does not
    exist, each saying where it is."""
    out: list[str] = []
    known = known_by_kind()
    for part_key in ("standards", "measures"):
        part = PART[part_key]
        for n, item in enumerate(framework.items(part_key), start=1):
            where = f"{part.title}, item {n} ({item.key})"
            for kind_key, ids in item.links.items():
                found = kind(kind_key)
                if found is None:
                    names = ", ".join(k.key for k in kinds())
                    out.append(f"{where}: there is no kind of link {kind_key!r} (use {names}).")
                    continue
                for link in ids:
                    if not found.exists(link, known[kind_key]):
                        out.append(f"{where}: {found.label.lower()} has no {link!r}.")
    return out
