"""The shipped vocabulary is well formed and points only at audit questions and indicators that
exist, so the triangulation page never silently misses evidence."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from lineofsight.framework import vocabulary
from lineofsight.indicators.catalogue import catalogue

TOOLS = Path(vocabulary.__file__).parent.parent / "audits" / "audit_tools"


def _audit_paths() -> set[str]:
    paths: set[str] = set()
    for path in TOOLS.glob("*.yml"):
        tool = yaml.safe_load(path.read_text())
        paths.add(tool["key"])
        for section in tool["sections"]:
            paths.add(f"{tool['key']}.{section['key']}")
            for question in section["questions"]:
                paths.add(f"{tool['key']}.{section['key']}.{question['key']}")
    return paths


def test_every_audit_reference_names_a_real_tool_section_or_question():
    known = _audit_paths()
    missing = {(t.key, q) for t in vocabulary.themes() for q in t.audit_questions if q not in known}
    assert not missing


def test_every_indicator_reference_is_in_the_catalogue():
    ids = {i.id for i in catalogue()}
    missing = {(t.key, i) for t in vocabulary.themes() for i in t.indicators if i not in ids}
    assert not missing


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Voice of the child", "voice-of-the-child"),
        ("  voice-of-the-child ", "voice-of-the-child"),
        ("The voice of the child", "voice-of-the-child"),
        ("Neglect tools!", "neglect-tools"),
        ("  ,", ""),
    ],
)
def test_typed_tags_are_stored_as_vocabulary_keys_or_tidy_free_tags(typed, stored):
    assert vocabulary.normalise_tag(typed) == stored


def test_parse_tags_keeps_order_and_drops_repeats():
    assert vocabulary.parse_tags("Recording, drift and delay\nrecording") == [
        "recording",
        "drift-and-delay",
    ]


def test_a_council_file_replaces_the_vocabulary(settings, tmp_path):
    own = tmp_path / "themes.yml"
    own.write_text("themes:\n  - key: our-theme\n    label: Our theme\n")
    settings.THEMES_FILE = str(own)
    assert [t.key for t in vocabulary.themes()] == ["our-theme"]


def test_a_bad_key_is_refused_with_where_it_is(settings, tmp_path):
    own = tmp_path / "themes.yml"
    own.write_text("themes:\n  - key: Bad Key\n    label: x\n")
    settings.THEMES_FILE = str(own)
    with pytest.raises(vocabulary.VocabularyError, match="theme 1"):
        vocabulary.themes()
