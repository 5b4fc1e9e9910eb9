"""The statutory returns as a source: a synthetic council's CIN census and SSDA903 return, written
from its SSD extract and imported together, give the same figure as the extract for every
indicator both can compute, and the same drift flags where both carry the data. Figures the
returns cannot support (indicators.coverage) are listed, not compared."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lineofsight.casework import store
from lineofsight.casework.models import SourceKind
from lineofsight.indicators import coverage, engine
from lineofsight.intake import returns, services
from lineofsight.intake.models import RunStatus
from lineofsight.intake.problems import ParsedExtract, Severity
from lineofsight.synthetic.cin_census import write_cin_census
from lineofsight.synthetic.generator import synthesize
from lineofsight.synthetic.ssda903 import write_ssda903
from lineofsight.timeliness.derive import COVERAGE_TABLE
from lineofsight.timeliness.expectations import CHAINED_TABLES
from lineofsight.timeliness.flags import FLAGS

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("returns-council")
    result = synthesize("891", out, scale=0.05, seed=5, annex_a=False)
    as_at = datetime.date.fromisoformat(
        json.loads((result.out / "structure.json").read_text(encoding="utf-8"))["as_at"]
    )
    ssd = result.out / "ssd"
    cin = write_cin_census(ssd, out / "cin.xml", year=as_at.year, reference_date=as_at)
    ssda903 = write_ssda903(ssd, out / "903", year=as_at.year)
    return ssd, cin, ssda903, as_at


def _flags(snapshot, kinds: set[str]) -> set[tuple[str, str]]:
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        rows = con.execute("SELECT person_id, flag FROM drift_flags").fetchall()
    return {(str(p), f) for p, f in rows if f in kinds}


def _checked(snapshot) -> dict[str, str]:
    """Each drift flag's coverage: "" when checked, else why not."""
    with duckdb.connect(str(snapshot.path), read_only=True) as con:
        rows = con.execute(f"SELECT flag, checked, reason FROM {COVERAGE_TABLE}").fetchall()
    return {flag: "" if checked else reason for flag, checked, reason in rows}


def test_the_returns_give_the_extracts_figures(council, registered_post_load_steps) -> None:
    ssd, cin, ssda903, as_at = council
    from_ssd = services.ssd_extract_import(directory=ssd, as_at=as_at)
    assert from_ssd.status == RunStatus.SUCCEEDED, from_ssd.failure_message
    from_returns = services.returns_import(
        cin=cin,
        ssda903=ssda903,
        case_notes=ssd / "case_notes.csv",
        gate_mode=services.GateMode.ACCEPT,  # a different source: many tables change
    )
    assert from_returns.status == RunStatus.SUCCEEDED, from_returns.failure_message
    a, b = from_ssd.snapshot, from_returns.snapshot
    assert b.source_kind == SourceKind.RETURNS and b.as_at == as_at
    assert store.current_snapshot() == b

    period_end = engine.default_period_end(a)
    cannot = {u.indicator.id for u in coverage.unsupported(b)}
    # The returns hold no earlier history: re-referrals and second plans cannot be worked out.
    assert {"rereferral_12m_pct", "cp_second_plan_pct", "cla_reviews_in_time_pct"} <= cannot
    ssd_values = {v.indicator.id: v for v in engine.compute(snapshot=a, period_end=period_end)}
    compared = []
    for value in engine.compute(snapshot=b, period_end=period_end):
        ind = value.indicator.id
        if ind in cannot or not value.has_data or value.indicator.source.value != "snapshot":
            continue
        assert ssd_values[ind].value == pytest.approx(value.value), ind
        compared.append(ind)
    # Referrals, assessments, plans, looked-after children, placements, recording...
    assert {"referrals", "assessment_45wd_pct", "cp_at_period_end", "cla_at_period_end"} <= set(
        compared
    )
    assert len(compared) >= 10

    # Drift flags the returns can check, from tables both carry, and not timed from an earlier
    # visit or review (the returns hold the year's only).
    provided = set(a.provided_tables) & set(b.provided_tables)
    checked = _checked(b)
    assert "earlier ones" in checked["cp_second_plan"]  # said, not shown wrongly
    assert "clea_pathway_plan_review_date" in checked["pathway_plan_overdue"]
    kinds = {
        f.id
        for f in FLAGS
        if not checked[f.id]
        and f.tables
        and set(f.tables) <= provided
        and not set(f.tables) & CHAINED_TABLES
    }
    assert {"cp_plan_9m", "assessment_over_45wd"} <= kinds
    flagged = _flags(a, kinds)
    assert flagged  # a council with drift to find
    assert _flags(b, kinds) == flagged


def test_the_command_imports_returns_together_and_refuses_none(council, tmp_path: Path) -> None:
    ssd, cin, ssda903, as_at = council
    out = io.StringIO()
    call_command(
        "import", "returns", "--cin", str(cin), "--ssda903", str(ssda903), "--no-progress",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    assert "succeeded" in out.getvalue()
    assert store.current_snapshot().as_at == as_at
    with pytest.raises(CommandError, match="Give a CIN census"):
        call_command("import", "returns", "--no-progress", stderr=io.StringIO())
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import", "returns", "--cin", str(tmp_path / "none.xml"), stderr=io.StringIO())


def test_the_census_alone_and_the_ssda903_alone(council) -> None:
    _ssd, cin, ssda903, as_at = council
    run = services.cin_census_import(path=cin)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.snapshot.source_kind == SourceKind.CIN_CENSUS and run.as_at == as_at
    assert "ssd_cp_plans" in run.snapshot.provided_tables
    run = services.ssda903_import(path=ssda903, gate_mode=services.GateMode.ACCEPT)
    assert run.status == RunStatus.SUCCEEDED, run.failure_message
    assert run.snapshot.source_kind == SourceKind.SSDA903
    assert "ssd_cla_episodes" in run.snapshot.provided_tables
    assert "ssd_cp_plans" not in run.snapshot.provided_tables


def test_a_child_both_returns_describe_is_one_child() -> None:
    census = ParsedExtract(
        tables={"ssd_person": [{"pers_person_id": "C1", "pers_sex": "F", "pers_dob": None}]},
        files=[Path("cin.xml")],
        fields={"ssd_person": ["pers_person_id", "pers_sex"]},
    )
    looked_after = ParsedExtract(
        tables={
            "ssd_person": [
                {"pers_person_id": "C1", "pers_sex": "M", "pers_dob": datetime.date(2015, 1, 2)},
                {"pers_person_id": "C2", "pers_sex": "M", "pers_dob": None},
            ],
            "ssd_cla_episodes": [{"clae_cla_episode_id": "E1", "clae_person_id": "C1"}],
        },
        files=[Path("episodes.csv")],
        fields={"ssd_person": ["pers_person_id", "pers_dob"], "ssd_cla_episodes": []},
    )
    merged = returns.merge_returns([census, looked_after])
    people = {p["pers_person_id"]: p for p in merged.tables["ssd_person"]}
    assert set(people) == {"C1", "C2"}
    # the census's sex is kept, the date of birth filled from the SSDA903
    assert people["C1"]["pers_sex"] == "F"
    assert people["C1"]["pers_dob"] == datetime.date(2015, 1, 2)
    (warning,) = merged.problems
    assert warning.severity is Severity.WARNING
    assert (warning.field, warning.value, warning.source) == ("pers_sex", "M", "episodes.csv")
    assert "child C1" in warning.message and "F" in warning.message
    assert merged.fields["ssd_person"] == ["pers_person_id", "pers_sex", "pers_dob"]
    assert merged.tables["ssd_cla_episodes"] == looked_after.tables["ssd_cla_episodes"]
