from __future__ import annotations

import pytest

from lineofsight.casework.models import Snapshot

from .snapshots import AS_AT, build_snapshot, east_derived, east_tables


@pytest.fixture
def east(db) -> Snapshot:
    """The East council's casework, current: children in T-E, one each in T-W and T-C."""
    return build_snapshot(tables=east_tables(), derived=east_derived(), as_at=AS_AT)
