from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from lineofsight.synthetic.generator import synthesize


def digests(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_identical_files(tmp_path: Path) -> None:
    first = synthesize("891", tmp_path / "a", scale=0.05, seed=11)
    second = synthesize("891", tmp_path / "b", scale=0.05, seed=11)
    a, b = digests(first.out), digests(second.out)
    assert "annex_a.xlsx" in a
    assert "structure.json" in a
    # 22 SSD tables and the two workforce census tables (written empty: see intake.csww)
    assert len([k for k in a if k.startswith("ssd/")]) == 24
    assert a == b


def test_another_seed_gives_other_children(tmp_path: Path) -> None:
    one = synthesize("805", tmp_path / "a", scale=0.05, seed=1, annex_a=False)
    two = synthesize("805", tmp_path / "b", scale=0.05, seed=2, annex_a=False)
    assert digests(one.out)["ssd/ssd_person.csv"] != digests(two.out)["ssd/ssd_person.csv"]


def test_shards_in_parallel_give_the_same_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A council split into shards (as England is) comes out the same in 1 or 2 processes."""
    from lineofsight.synthetic import targets

    monkeypatch.setattr(targets, "SHARD_CHILDREN_IN_NEED", 120)
    one = synthesize("805", tmp_path / "a", scale=0.2, seed=5, annex_a=False, processes=1)
    two = synthesize("805", tmp_path / "b", scale=0.2, seed=5, annex_a=False, processes=2)
    assert digests(one.out) == digests(two.out)
    with (one.out / "ssd" / "ssd_person.csv").open(encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    assert lines[0].startswith("pers_person_id,")
    assert sum(line.startswith("pers_person_id,") for line in lines) == 1
    assert len({line.split(",")[0] for line in lines[1:]}) == len(lines) - 1
