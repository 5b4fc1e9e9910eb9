"""The indicator catalogue over pooled extracts, on DuckDB or on Spark, with one orchestration.

Both engines run the definitions the council's own board runs (indicators/definitions/*.yml),
wrapped by the indicators engine's own aggregate (`engine._aggregate_sql`): one row per period
end with the summed numerator and denominator. DuckDB runs them as written; Spark runs them as
sqlglot translates them from DuckDB's dialect to Spark's, and a definition using anything
sqlglot cannot translate raises `UnsupportedSql` instead of running something else.

    with DuckDBEngine() as e:  sums = council_sums(e, extract, ends=[date(2025, 3, 31)])
    with SparkEngine(master="spark://host:7077") as e:  ...

`council_sums` gives, per indicator id and period end, (numerator, denominator) or the reason
there is no value, and applies the workforce census rule (engine.census_spec) the way the
council's engine does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from lineofsight.indicators import catalogue as cat
from lineofsight.indicators import engine
from lineofsight.indicators.types import Source

from .pooled import PooledExtract

# Sums of fractions (full-time equivalents) are added in a different order on each engine; the
# figures never carry more than a few decimal places, so both are rounded to this many.
SUM_DECIMALS = 9
# DuckDB syntax sqlglot passes through to Spark unchanged (indicators/tests/test_catalogue.py).
_DUCKDB_ONLY = re.compile(r"\bASOF\b|\bQUALIFY\b|::|\bUSING\s+SAMPLE\b", re.I)


class UnsupportedSql(ValueError):
    """A definition that cannot be translated to Spark's SQL as it is."""


@dataclass(frozen=True)
class Sums:
    numerator: float
    denominator: float
    census: date | None = None  # the census date, when the figure is the workforce census's


Result = dict[str, dict[date, Sums | str]]


def snapshot_specs() -> list[cat.Spec]:
    """The indicators a pooled extract can give: every one counted from the snapshot (the
    product's own records, such as audits, stay with each council)."""
    return [s for s in cat.specs() if s.indicator.source is Source.SNAPSHOT]


# -- DuckDB -----------------------------------------------------------------------------------


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, *, memory_limit: str | None = None) -> None:
        self.con = duckdb.connect(":memory:")
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self._views: set[str] = set()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def load(self, extract: PooledExtract) -> None:
        for name in self._views - set(extract.files):
            self.con.execute(f'DROP VIEW IF EXISTS "{name}"')
        for name, path in extract.files.items():
            literal = str(path).replace("'", "''")
            self.con.execute(
                f"CREATE OR REPLACE VIEW \"{name}\" AS SELECT * FROM read_parquet('{literal}')"
            )
        self._views = set(extract.files)

    def set_periods(self, ends: Sequence[date]) -> None:
        engine._make_periods(self.con, ends)

    def query(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def query_many(self, sqls: dict[str, str]) -> dict[str, list[tuple]]:
        return {key: self.query(sql) for key, sql in sqls.items()}


# -- Spark ------------------------------------------------------------------------------------


def to_spark(sql: str) -> str:
    """`sql` (DuckDB's dialect) in Spark's, or UnsupportedSql naming what is not translated."""
    import sqlglot
    from sqlglot import ErrorLevel
    from sqlglot.errors import SqlglotError

    found = _DUCKDB_ONLY.search(sql)
    if found:
        raise UnsupportedSql(f"{found[0]!r} is DuckDB's own syntax and has no Spark equivalent.")
    warnings: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            warnings.append(record.getMessage())

    handler = Collect(logging.WARNING)
    log = logging.getLogger("sqlglot")
    log.addHandler(handler)
    try:
        out = sqlglot.transpile(
            sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE
        )
    except SqlglotError as e:
        raise UnsupportedSql(str(e)) from None
    finally:
        log.removeHandler(handler)
    if warnings:
        raise UnsupportedSql("; ".join(warnings))
    if len(out) != 1:
        raise UnsupportedSql("A definition must be one statement.")
    return out[0]


def spark_session(*, master: str | None = None, conf: dict[str, str] | None = None):
    """A SparkSession: on `master` when given (local[4], spark://host:7077, yarn, k8s://...),
    otherwise as Spark's own configuration says (spark-defaults.conf, spark-submit's --master;
    local mode when nothing does)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise RuntimeError(
            "Spark is not installed: pip install 'lineofsight[spark]' (and Java 17)."
        ) from None
    builder = SparkSession.builder.appName("lineofsight-region")
    if master:
        builder = builder.master(master)
    # Dates are dates: no time zone may move them. Progress bars would mix with the figures'
    # "no data" reasons on stderr.
    builder = builder.config("spark.sql.session.timeZone", "UTC")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


class SparkEngine:
    name = "spark"

    def __init__(self, *, spark=None, master: str | None = None, conf=None) -> None:
        if spark is None:
            from pyspark.sql import SparkSession

            # A session already running in this process (a notebook's, a test's) is used and
            # left running; one made here is stopped when done.
            self._own = SparkSession.getActiveSession() is None
            spark = spark_session(master=master, conf=conf)
        else:
            self._own = False
        self.spark = spark
        self._views: set[str] = set()
        self._translated: dict[str, str] = {}

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for name in self._views | {"_periods"}:
            self.spark.catalog.dropTempView(name)
        if self._own:
            self.spark.stop()

    def load(self, extract: PooledExtract) -> None:
        for name in self._views - set(extract.files):
            self.spark.catalog.dropTempView(name)
        for name, path in extract.files.items():
            # file:// says so even where the cluster's default file system is HDFS: the
            # extracts are on storage every node mounts at the same path (docs/region.md).
            uri = Path(path).resolve().as_uri()
            self.spark.read.parquet(uri).createOrReplaceTempView(name)
        self._views = set(extract.files)

    def set_periods(self, ends: Sequence[date]) -> None:
        # In SQL, not from Python rows: nothing here needs Python on the cluster's executors.
        rows = " UNION ALL ".join(
            f"SELECT DATE '{engine.period_start(e).isoformat()}' AS period_start, "
            f"DATE '{e.isoformat()}' AS period_end"
            for e in sorted(set(ends))
        )
        self.spark.sql(rows).createOrReplaceTempView("_periods")

    def translate(self, sql: str) -> str:
        if sql not in self._translated:
            self._translated[sql] = to_spark(sql)
        return self._translated[sql]

    def query(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(self.translate(sql)).collect()]

    def query_many(self, sqls: dict[str, str]) -> dict[str, list[tuple]]:
        """Every query in one Spark job: one scan plan per council rather than one per
        indicator. Each gives (period_end, numerator, denominator, rows)."""
        if not sqls:
            return {}
        keys = list(sqls)
        parts = [
            f"SELECT {n} AS q, CAST(a.period_end AS DATE) AS period_end, "
            f"CAST(a.n AS DOUBLE) AS n, CAST(a.d AS DOUBLE) AS d "
            f"FROM ({self.translate(_named(sqls[key]))}) AS a"
            for n, key in enumerate(keys)
        ]
        out: dict[str, list[tuple]] = {key: [] for key in keys}
        for row in self.spark.sql("\nUNION ALL\n".join(parts)).collect():
            out[keys[row[0]]].append((row[1], row[2], row[3]))
        return out


def _named(aggregate: str) -> str:
    """The engine's aggregate with its columns named, so the union can refer to them."""
    return f"SELECT x.* FROM ({aggregate}) AS x(period_end, n, d, r)"


# -- one orchestration for both ---------------------------------------------------------------


def _rounded(value: object) -> float:
    return round(float(value or 0), SUM_DECIMALS) + 0.0


def council_sums(
    eng: DuckDBEngine | SparkEngine,
    extract: PooledExtract,
    *,
    ends: Sequence[date],
    specs: Iterable[cat.Spec] | None = None,
) -> Result:
    """Per indicator id, per period end: the sums, or the reason there is no value."""
    specs = list(snapshot_specs() if specs is None else specs)
    wanted = {s.indicator.id: s for s in specs}
    for s in specs:
        other = engine.census_spec(s, filtered=False)
        if other is not None:
            wanted.setdefault(other.indicator.id, other)
    present = set(extract.present)
    eng.load(extract)
    eng.set_periods(ends)
    reasons: dict[str, str] = {}
    sqls: dict[str, str] = {}
    for ind_id, spec in wanted.items():
        reason = engine.missing_reason(
            spec, provided=extract.provided, present=present, as_at=extract.as_at
        )
        if reason:
            reasons[ind_id] = reason
        else:
            sqls[ind_id] = engine._aggregate_sql(spec, False)
    got = eng.query_many(sqls)
    ran: Result = {}
    for ind_id in wanted:
        if ind_id in reasons:
            ran[ind_id] = dict.fromkeys(ends, reasons[ind_id])
            continue
        by_end = {row[0]: Sums(_rounded(row[1]), _rounded(row[2])) for row in got[ind_id]}
        ran[ind_id] = {e: by_end.get(e, Sums(0.0, 0.0)) for e in ends}
    on_census: set[date] = set()
    if engine.CENSUS_TABLE in present:
        rows = eng.query(
            f"SELECT DISTINCT census_date FROM {engine.CENSUS_TABLE} WHERE census_date IS NOT NULL"
        )
        on_census = {r[0] for r in rows} & set(ends)
    out: Result = {}
    for spec in specs:
        own = dict(ran[spec.indicator.id])
        other = engine.census_spec(spec, filtered=False)
        if other is not None:
            for e in on_census:
                figure = ran[other.indicator.id][e]
                if isinstance(figure, Sums):
                    own[e] = Sums(figure.numerator, figure.denominator, census=e)
        out[spec.indicator.id] = own
    return out
