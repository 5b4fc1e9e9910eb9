"""Audit questions as something a practice standard is tested by (framework.links).

A standard may name a whole tool ("assessment"), a section ("assessment.participation") or one
question ("assessment.participation.child-seen"), as the practice themes do. What exists is the
tools shipped with the product and any the council has loaded since.
"""

from __future__ import annotations

from lineofsight.framework.links import LinkKind, register

from . import toolspec
from .models import ToolQuestion


def audit_questions() -> dict[str, str]:
    known: dict[str, str] = {}
    for spec in toolspec.read_files([toolspec.DEFAULT_TOOLS_DIR]):
        known.setdefault(spec.key, spec.name)
        for section in spec.sections:
            known.setdefault(f"{spec.key}.{section.key}", f"{spec.name}: {section.title}")
            for q in section.questions:
                known.setdefault(f"{spec.key}.{section.key}.{q.key}", q.text)
    loaded = ToolQuestion.objects.select_related("section__tool_version__tool").order_by(
        "-section__tool_version__version"
    )
    for q in loaded:
        version = q.section.tool_version
        tool = version.tool.key
        known.setdefault(tool, version.name)
        known.setdefault(f"{tool}.{q.section.key}", f"{version.name}: {q.section.title}")
        known.setdefault(f"{tool}.{q.section.key}.{q.key}", q.text)
    return known


def register_links() -> None:
    register(LinkKind("audit_questions", "Audit questions", known=audit_questions, order=10))
