"""Reads of the council's framework for practice. Nothing here holds a child's data: every
signed-in person may read the framework."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from . import content
from .content import Framework
from .models import FrameworkVersion, VersionStatus


@dataclass(frozen=True)
class InForce:
    """The framework people read now, with which version it is (0: the council's file, or the
    example, before any version has been published here)."""

    framework: Framework
    number: int
    version: FrameworkVersion | None


def framework_in_force() -> InForce:
    row = FrameworkVersion.objects.filter(status=VersionStatus.PUBLISHED).first()
    if row is None:
        return InForce(framework=content.default(), number=0, version=None)
    return InForce(framework=content.parse(row.content), number=row.number, version=row)


def framework_versions(*, with_draft: bool = True) -> QuerySet[FrameworkVersion]:
    versions = FrameworkVersion.objects.select_related("published_by", "updated_by")
    if not with_draft:
        versions = versions.exclude(status=VersionStatus.DRAFT)
    return versions.order_by("-number")


def framework_draft() -> FrameworkVersion | None:
    return FrameworkVersion.objects.filter(status=VersionStatus.DRAFT).first()


def framework_version_get(number: int) -> FrameworkVersion:
    return get_object_or_404(FrameworkVersion, number=number)


def framework_of(version: FrameworkVersion) -> Framework:
    return content.parse(version.content)
