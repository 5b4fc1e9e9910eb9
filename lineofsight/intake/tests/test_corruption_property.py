"""Any one corruption of a valid extract is caught, named on the right table, and changes
nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lineofsight.casework import schema
from lineofsight.casework.models import Snapshot
from lineofsight.intake import selectors, services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.problems import Severity

from . import extract

pytestmark = pytest.mark.django_db

TABLES = schema.tables()
VALID = extract.valid()


def _cells(keep) -> list[tuple[str, int, str]]:
    """(table, row, field) of each cell of the valid extract that `keep(field, value)` accepts."""
    return [
        (t, i, f.name)
        for t, rows in VALID.items()
        for i, row in enumerate(rows)
        for f in TABLES[t].fields
        if keep(f, row.get(f.name))
    ]


REQUIRED = _cells(lambda field, value: field.required)
DATES = _cells(lambda field, value: field.is_date and value)
REFERENCES = _cells(lambda field, value: field.foreign_key and value)
ROWS = [(t, i) for t, rows in VALID.items() for i in range(len(rows))]

# Each strategy gives (what it did, table, row in the file or None, field or None, apply).
drop_required = st.sampled_from(REQUIRED).map(
    lambda c: ("drop required", c[0], c[1] + 2, c[2], {"set": (c, "")})
)
duplicate_key = st.sampled_from(ROWS).map(
    lambda c: (
        "duplicate key",
        c[0],
        len(VALID[c[0]]) + 2,
        TABLES[c[0]].primary_key,
        {"duplicate": c},
    )
)
break_date = st.tuples(
    st.sampled_from(DATES),
    st.sampled_from(["31/02/2024", "2024-13-01", "yesterday", "20240101", "1.5.2024", "45123"]),
).map(lambda c: ("break date", c[0][0], c[0][1] + 2, c[0][2], {"set": (c[0], c[1])}))
dangle_reference = st.tuples(st.sampled_from(REFERENCES), st.text("XYZ0123", min_size=1)).map(
    lambda c: (
        "dangle reference",
        c[0][0],
        c[0][1] + 2,
        c[0][2],
        {"set": (c[0], f"MISSING-{c[1]}")},
    )
)
# Bytes that can never appear in UTF-8, followed by anything at all.
garbage = st.tuples(
    st.sampled_from(sorted(VALID)),
    st.sampled_from([b"\xff", b"\xfe", b"\xc0", b"\xf8"]),
    st.binary(max_size=8),
    st.floats(min_value=0, max_value=1),
).map(lambda c: ("garbage bytes", c[0], None, None, {"garbage": (c[0], c[1] + c[2], c[3])}))

corruptions = st.one_of(drop_required, duplicate_key, break_date, dangle_reference, garbage)


@pytest.fixture
def current(db) -> Snapshot:
    with tempfile.TemporaryDirectory() as tmp:
        run = services.ssd_extract_import(directory=extract.write(Path(tmp) / "ssd"))
    assert run.status == RunStatus.SUCCEEDED
    return run.snapshot


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(corruption=corruptions)
def test_any_corruption_is_an_error_on_its_table(current: Snapshot, corruption) -> None:
    kind, table, row, field, how = corruption
    tables = extract.valid()
    if "set" in how:
        (t, i, f), value = how["set"]
        tables[t][i][f] = value
    if "duplicate" in how:
        t, i = how["duplicate"]
        tables[t].append(dict(tables[t][i]))

    with tempfile.TemporaryDirectory() as tmp:
        directory = extract.write(Path(tmp) / "ssd", tables)
        if "garbage" in how:
            t, junk, where = how["garbage"]
            path = directory / f"{t}.csv"
            data = path.read_bytes()
            header_end = data.index(b"\n") + 1
            at = header_end + int(where * (len(data) - header_end))
            path.write_bytes(data[:at] + junk + data[at:])
        run = services.ssd_extract_import(directory=directory)

    errors = [p for p in selectors.report_problems(run) if p.severity == Severity.ERROR]
    assert run.status == RunStatus.FAILED, kind
    assert any(p.table == table for p in errors), (kind, errors)
    if row is not None:
        assert any((p.table, p.row, p.field) == (table, row, field) for p in errors), (kind, errors)
    assert Snapshot.objects.get(is_current=True).pk == current.pk
    assert Snapshot.objects.count() == 1
    assert [p.name for p in current.path.parent.iterdir()] == [current.file_name]
