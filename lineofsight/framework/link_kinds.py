"""The kinds of link the framework knows without an app above it: practice themes (this app's
vocabulary), indicators (the catalogue) and recording checks (the case-note checker's markers
and rules). Audit questions are registered by the audits app."""

from __future__ import annotations

from lineofsight.indicators import catalogue
from lineofsight.recording import checker

from . import vocabulary
from .links import LinkKind, register


def _themes() -> dict[str, str]:
    return {t.key: t.label for t in vocabulary.themes()}


def _indicators() -> dict[str, str]:
    return {i.id: i.title for i in catalogue.catalogue()}


def _recording_checks() -> dict[str, str]:
    return {**checker.MARKERS, **{r.id: r.title for r in checker.RULES.values()}}


def register_kinds() -> None:
    register(LinkKind("indicators", "Indicators", known=_indicators, order=20))
    register(LinkKind("themes", "Practice themes", known=_themes, order=30))
    register(LinkKind("recording_checks", "Recording checks", known=_recording_checks, order=40))
