"""Evidence beside an audit tool's sections, from apps the audits app may not import (they share
its layer, or sit above it): each registers a provider in its AppConfig.ready().

A provider is called only for someone who may see the audit, as provider(user, tool_key=...,
worker_id=...), and returns items each with `section_key` (the tool section it sits beside) and
`template` (how it is shown). Evidence is read, never an answer: nothing here fills in a form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser

from .registry import add_once

EvidenceProvider = Callable[..., list[Any]]
_PROVIDERS: list[EvidenceProvider] = []


def register(provider: EvidenceProvider) -> None:
    add_once(_PROVIDERS, provider)


def for_audit(user: AbstractBaseUser, *, tool_key: str, worker_id: str) -> dict[str, list[Any]]:
    """Evidence items by the key of the tool section they sit beside."""
    out: dict[str, list[Any]] = {}
    for provider in _PROVIDERS:
        for item in provider(user, tool_key=tool_key, worker_id=worker_id):
            out.setdefault(item.section_key, []).append(item)
    return out
