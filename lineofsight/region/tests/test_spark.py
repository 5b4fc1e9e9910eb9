"""Spark and DuckDB give the same answers: the same definitions, on PySpark in local mode.

One local SparkSession for the whole test session (Java 17 and the `spark` extra). Without
PySpark or Java these tests skip, saying why; under CI (CI=true) they are mandatory and fail.
"""

from __future__ import annotations

import csv
import io
import logging
import os
import shutil

import pytest
from django.core.management import call_command

from lineofsight.region import figures, pooled
from lineofsight.region.engines import DuckDBEngine, SparkEngine, Sums, council_sums
from lineofsight.region.management.commands import region

from . import edges

# The extracts here are tiny: Spark's planning, not its scanning, is what takes the time, so
# interpreted expressions (no code generation) and no adaptive re-planning are quicker.
SMALL_DATA = {
    "spark.sql.shuffle.partitions": "2",
    "spark.default.parallelism": "2",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.adaptive.enabled": "false",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",
}


@pytest.fixture(scope="session")
def spark():
    problem = ""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        problem = "PySpark is not installed (pip install 'lineofsight[spark]')"
    if not problem and shutil.which("java") is None:
        problem = "Java is not installed (Spark needs Java 17)"
    if problem:
        if os.environ.get("CI"):
            pytest.fail(problem + ", and under CI the Spark tests are mandatory")
        pytest.skip(problem)
    from lineofsight.region.engines import spark_session

    session = spark_session(master="local[2]", conf=SMALL_DATA)
    session.sparkContext.setLogLevel("ERROR")
    logging.getLogger("py4j").setLevel(logging.WARNING)  # its goodbyes outlive pytest's output
    yield session
    session.stop()


def test_spark_and_duckdb_give_identical_rows_for_three_councils(spark, synthetic_extracts):
    extracts = pooled.read_extracts(synthetic_extracts)
    period_end = figures.default_period_end(extracts)
    with DuckDBEngine() as eng:
        duck = figures.region_rows(extracts, eng=eng, period_end=period_end)
    with SparkEngine(spark=spark) as eng:
        on_spark = figures.region_rows(extracts, eng=eng, period_end=period_end)
    assert on_spark == duck
    shown = [r for r in duck if isinstance(r.value, float | int) and r.value]
    assert len(shown) > 3 * 20  # most of the catalogue has a figure to compare


def test_spark_counts_the_date_edges_as_worked_out_by_hand(spark, edges_extract):
    extract = pooled.read_extract(edges_extract)
    with SparkEngine(spark=spark) as eng:
        sums = council_sums(eng, extract, ends=[edges.PERIOD_END])
    with DuckDBEngine() as eng:
        duck = council_sums(eng, extract, ends=[edges.PERIOD_END])
    assert sums == duck
    got = {k: v[edges.PERIOD_END] for k, v in sums.items() if k in edges.EXPECTED}
    assert got == {k: Sums(*v) for k, v in edges.EXPECTED.items()}


def test_command_runs_on_spark(spark, edges_extract):
    out = io.StringIO()
    call_command(
        region.Command(),
        "indicators",
        str(edges_extract),
        "--engine",
        "spark",
        "--period-end",
        edges.PERIOD_END.isoformat(),
        "--format",
        "csv",
        stdout=out,
        stderr=io.StringIO(),
    )
    rows = {
        (r["council"], r["indicator_id"]): r for r in csv.DictReader(io.StringIO(out.getvalue()))
    }
    assert rows[("891", "referrals")]["value"] == "6"
    assert rows[("region", "cp_at_period_end")]["value"] == "fewer than 5"
    assert spark.sparkContext._jsc is not None  # the shared session is left running
