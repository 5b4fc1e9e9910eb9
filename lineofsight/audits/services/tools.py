"""Loading audit tools (questions, sections, scales) from YAML."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from lineofsight.accounts.models import User
from lineofsight.history.services import record_change

from .. import toolspec
from ..models import (
    AuditTool,
    AuditToolVersion,
    ToolQuestion,
    ToolSection,
)


@dataclass(frozen=True)
class ToolLoadResult:
    key: str
    version: int
    outcome: str  # created, unchanged, replaced
    source: str


def _tool_in_use(version: AuditToolVersion) -> bool:
    return version.programmes.exists()


@transaction.atomic
def audit_tools_load(
    *, actor: User | None = None, paths: list[Path] | None = None
) -> list[ToolLoadResult]:
    """Load tool versions from YAML (default: the tools shipped with Line of Sight).

    All files are checked before anything is stored; a version that a programme uses is never
    changed: a changed file must give a new version number.
    """
    specs = toolspec.read_files(paths or [toolspec.DEFAULT_TOOLS_DIR])
    results: list[ToolLoadResult] = []
    problems: list[str] = []
    for spec in specs:
        tool, _ = AuditTool.objects.get_or_create(key=spec.key, defaults={"name": spec.name})
        existing = AuditToolVersion.objects.filter(tool=tool, version=spec.version).first()
        if existing is not None and existing.content_hash == spec.content_hash:
            results.append(ToolLoadResult(spec.key, spec.version, "unchanged", spec.source))
            continue
        if existing is not None and _tool_in_use(existing):
            problems.append(
                f"{spec.source}: version {spec.version} of {spec.name!r} is used by an audit "
                f"programme, so it cannot change. Give the changed tool version "
                f"{spec.version + 1} (or higher) instead."
            )
            continue
        outcome = "created"
        if existing is not None:
            existing.sections.all().delete()
            existing.delete()
            outcome = "replaced"
        version = AuditToolVersion.objects.create(
            tool=tool,
            version=spec.version,
            name=spec.name,
            summary=spec.summary,
            answer_scale=list(spec.answer_scale),
            overall_descriptors=spec.overall_descriptors,
            content_hash=spec.content_hash,
            source_file=spec.source,
        )
        for s_order, s in enumerate(spec.sections, start=1):
            section = ToolSection.objects.create(
                tool_version=version,
                key=s.key,
                order=s_order,
                title=s.title,
                guidance=s.guidance,
                descriptors=s.descriptors,
            )
            ToolQuestion.objects.bulk_create(
                ToolQuestion(
                    section=section,
                    key=q.key,
                    order=q_order,
                    text=q.text,
                    guidance=q.guidance,
                    evidence_prompt=q.evidence_prompt,
                )
                for q_order, q in enumerate(s.questions, start=1)
            )
        latest = tool.versions.order_by("-version").first()
        if latest is not None and tool.name != latest.name:
            tool.name = latest.name
            tool.save(update_fields=["name"])
        record_change(
            actor=actor,
            action=f"audit_tool_{outcome}",
            obj=version,
            before={"content_hash": None if outcome == "created" else "(previous)"},
            after={"content_hash": spec.content_hash},
        )
        results.append(ToolLoadResult(spec.key, spec.version, outcome, spec.source))
    if problems:
        raise toolspec.ToolSpecError("audit tools", problems)
    return results
