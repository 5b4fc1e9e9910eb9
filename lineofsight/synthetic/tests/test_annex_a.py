"""The Annex A workbook has the official lists, titles and headers, and recognisable values."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml

from lineofsight.synthetic.annex_a import LISTS
from lineofsight.synthetic.generator import Result


@pytest.fixture(scope="module")
def annex_schema(shared_dir: Path) -> dict[str, dict[str, dict]]:
    path = shared_dir / "fixtures" / "annex_a" / "Annex_A_schema.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["column_map"]


def test_headers_are_the_schema_names(annex_schema: dict[str, dict[str, dict]]) -> None:
    for lst in LISTS:
        assert lst.headers == tuple(annex_schema[f"list_{lst.number}"]), lst.number


def test_workbook_layout_and_values(
    small_council: Result, annex_schema: dict[str, dict[str, dict]]
) -> None:
    assert small_council.annex_a is not None
    wb = openpyxl.load_workbook(small_council.annex_a, read_only=True)
    assert wb.sheetnames == [f"List_{n}" for n in range(1, 12)]
    for n in range(1, 12):
        rows = list(wb[f"List_{n}"].iter_rows(values_only=True))
        assert str(rows[0][0]).startswith(f"List {n}:"), n
        columns = annex_schema[f"list_{n}"]
        assert tuple(rows[1]) == tuple(columns), n
        for i, (name, spec) in enumerate(columns.items()):
            if "category" not in spec:
                if spec.get("canbeblank") is False:
                    blank = [r for r in rows[2:] if i >= len(r) or r[i] in (None, "")]
                    assert not blank, (n, name, len(blank))
                continue
            allowed = set()
            for cat in spec["category"]:
                allowed.add(str(cat["code"]))
                names = cat.get("name") or []
                allowed.update(str(x) for x in (names if isinstance(names, list) else [names]))
            if spec.get("canbeblank") is False:
                blank = [r for r in rows[2:] if i >= len(r) or r[i] in (None, "")]
                assert not blank, (n, name, len(blank))
            values = {row[i] for row in rows[2:] if i < len(row) and row[i] not in (None, "")}
            assert {str(v) for v in values} <= allowed, (n, name, values - allowed)
    for n in (1, 3, 4, 6, 7, 8, 9):
        assert len(list(wb[f"List_{n}"].iter_rows(values_only=True))) > 2, n
