"""Lists that a lower app reads and the apps above it fill in their AppConfig.ready(), such as
intake's post-load steps. Django may run ready() more than once (the tests do), and a function
listed twice would run twice, so each is added only once."""

from __future__ import annotations

from typing import TypeVar

Item = TypeVar("Item")


def add_once(registry: list[Item], item: Item) -> None:
    if all(known is not item for known in registry):
        registry.append(item)
