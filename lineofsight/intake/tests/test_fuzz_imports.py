"""Malformed files of every format are refused with a clear problem, or imported, and never
raise; a refused import publishes nothing. A few examples per format here; thousands in
benchmarks/fuzz_imports.py."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from lineofsight.casework.models import Snapshot
from lineofsight.intake.models import ImportRun, RunStatus

from . import fuzz

pytestmark = pytest.mark.django_db

EXAMPLES_PER_FORMAT = 10
# No shrinking: each input's description already says what was broken and where, and shrinking
# a failure re-runs dozens of imports. A failure found is kept in hypothesis's database and
# tried first next time.
PHASES = (Phase.explicit, Phase.reuse, Phase.generate)


@pytest.fixture
def current(db) -> Snapshot:
    return fuzz.import_baseline()


def test_every_seed_imports(current: Snapshot) -> None:
    """The fuzzing starts from valid inputs: were a seed refused, its broken copies would be
    refused for the seed's own mistake and prove nothing."""
    outcomes = {}
    for format in fuzz.FORMATS:
        with tempfile.TemporaryDirectory() as tmp:
            outcomes[format] = fuzz.run_one(format, fuzz.valid(format).write(Path(tmp)))
    assert {f: o.kind for f, o in outcomes.items()} == dict.fromkeys(fuzz.FORMATS, "imported"), {
        f: o.detail for f, o in outcomes.items() if o.kind != "imported"
    }


@pytest.mark.parametrize("format", fuzz.FORMATS)
@settings(
    max_examples=EXAMPLES_PER_FORMAT,
    deadline=None,
    phases=PHASES,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_malformed_file_is_refused_or_imported_never_a_traceback(
    format: str, current: Snapshot, data: st.DataObject
) -> None:
    malformed = data.draw(fuzz.malformed(format), label="input")
    with tempfile.TemporaryDirectory() as tmp:
        outcome = fuzz.run_one(format, malformed.write(Path(tmp)))

    assert outcome.kind != "traceback", f"{malformed.description}\n{outcome.detail}"
    assert not outcome.partial, f"{malformed.description}: {outcome.partial}"
    if outcome.kind == "rejected":
        assert outcome.errors and all(e.strip() for e in outcome.errors)
    assert not ImportRun.objects.filter(status=RunStatus.RUNNING).exists()


def test_a_refused_import_leaves_the_current_snapshot(current: Snapshot) -> None:
    """The check itself: a census with its root element unclosed is refused, says where, and
    the extract imported before stays current with its file alone in the folder."""
    census = fuzz.seed("csww_xml")["csww.xml"].replace(b"</Message>", b"")
    broken = fuzz.Malformed("csww_xml", "root never closed", {"csww.xml": census})
    with tempfile.TemporaryDirectory() as tmp:
        outcome = fuzz.run_one("csww_xml", broken.write(Path(tmp)))

    assert outcome.kind == "rejected"
    assert outcome.detail.startswith("ERROR: csww.xml")
    assert outcome.partial == ""
    assert Snapshot.objects.get(is_current=True).pk == current.pk
    assert [p.name for p in current.path.parent.iterdir()] == [current.file_name]


def test_a_traceback_is_not_taken_for_a_refusal(db, monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception escaping the import is classified as a traceback, with its text."""

    def broken(path: Path):
        raise KeyError("nothing here")

    monkeypatch.setitem(fuzz.IMPORTERS, "cin_xml", broken)
    with tempfile.TemporaryDirectory() as tmp:
        outcome = fuzz.run_one("cin_xml", fuzz.valid("cin_xml").write(Path(tmp)))
    assert outcome.kind == "traceback"
    assert "KeyError: 'nothing here'" in outcome.detail
