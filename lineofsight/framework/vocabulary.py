"""The practice themes that tie evidence together: one vocabulary, configurable per council.

Everything users tag (observations, feedback, improvement actions) stores theme keys; audit
questions and indicators are linked to themes here, so the triangulation page can gather what
each source says about one theme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings

DEFAULT_FILE = Path(__file__).parent / "vocabulary.yml"


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    summary: str
    audit_questions: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    suggested: bool = True  # False for a free tag that is not in the vocabulary

    def covers_question(self, tool: str, section: str, question: str) -> bool:
        """Whether an audit question (tool key, section key, question key) bears on this theme."""
        paths = {tool, f"{tool}.{section}", f"{tool}.{section}.{question}"}
        return any(p in paths for p in self.audit_questions)


class VocabularyError(ValueError):
    pass


def _file() -> Path:
    configured = getattr(settings, "THEMES_FILE", "")
    return Path(configured) if configured else DEFAULT_FILE


@cache
def _load(path: str) -> tuple[Theme, ...]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: list[Theme] = []
    seen: set[str] = set()
    for n, item in enumerate(data.get("themes") or [], start=1):
        try:
            key, label = str(item["key"]).strip(), str(item["label"]).strip()
        except (KeyError, TypeError):
            raise VocabularyError(f"{path}: theme {n} needs a key and a label") from None
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key):
            raise VocabularyError(f"{path}: theme {n}: key {key!r} must be lower-case-with-hyphens")
        if key in seen:
            raise VocabularyError(f"{path}: theme {n}: key {key!r} appears twice")
        seen.add(key)
        out.append(
            Theme(
                key=key,
                label=label,
                summary=str(item.get("summary") or "").strip(),
                audit_questions=tuple(str(q) for q in item.get("audit_questions") or ()),
                indicators=tuple(str(i) for i in item.get("indicators") or ()),
            )
        )
    return tuple(out)


def themes() -> tuple[Theme, ...]:
    """The suggested vocabulary, in the order the council wrote it."""
    return _load(str(_file()))


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def normalise_tag(text: str) -> str:
    """A stored theme key for what a user typed: a vocabulary key when the text matches a key or
    label (ignoring case, spaces and punctuation), otherwise the text as a lower-case-hyphen key.
    Returns "" for text with nothing usable in it."""
    folded = _fold(text)
    if not folded:
        return ""
    for theme in themes():
        if folded in (_fold(theme.key), _fold(theme.label)):
            return theme.key
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def parse_tags(text: str) -> list[str]:
    """Comma- or newline-separated tags -> unique stored keys, in the order given."""
    out: list[str] = []
    for part in re.split(r"[,\n]", text or ""):
        key = normalise_tag(part)
        if key and key not in out:
            out.append(key)
    return out


def get(key: str) -> Theme:
    """The theme for a stored key; a free tag gets a Theme labelled from its key."""
    for theme in themes():
        if theme.key == key:
            return theme
    return Theme(key=key, label=key.replace("-", " ").capitalize(), summary="", suggested=False)


def label(key: str) -> str:
    return get(key).label


def choices() -> list[tuple[str, str]]:
    """(key, label) pairs for a checkbox list of the suggested vocabulary."""
    return [(t.key, t.label) for t in themes()]


def themes_for_indicator(indicator_id: str) -> list[Theme]:
    return [t for t in themes() if indicator_id in t.indicators]


def themes_for_question(tool: str, section: str, question: str) -> list[Theme]:
    return [t for t in themes() if t.covers_question(tool, section, question)]
