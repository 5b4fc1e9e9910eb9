"""Fixtures for the indicators' tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_board_cache():
    # The board keeps rendered cards in the process's cache, which outlives a test's database:
    # every test starts with none kept, as a freshly started server does.
    cache.clear()
    yield
    cache.clear()
