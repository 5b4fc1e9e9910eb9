"""The framework for practice as everyone reads it: practice on a page, each practice standard
with what tests it, the list of versions, any version as it was, and a download of any version.
It holds no child's data, so everyone signed in reads it (the sign-in middleware gates it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy

from . import content, links, selectors
from .content import PARTS, Framework, Item
from .models import FrameworkVersion


@dataclass(frozen=True)
class LinkGroup:
    """What tests a standard, of one kind: its label and the things it names, as people read
    them."""

    label: str
    entries: tuple[tuple[str, str], ...]  # (id, what people read for it)


def link_groups(item: Item, known: dict[str, Mapping[str, str]]) -> list[LinkGroup]:
    """An item's links grouped by kind, in the registry's order; a kind no longer known last,
    by its key. `known` is links.known_by_kind(), read once for the page."""
    groups = []
    for kind in links.kinds():
        ids = item.linked(kind.key)
        if ids:
            labels = known.get(kind.key, {})
            groups.append(LinkGroup(kind.label, tuple((i, labels.get(i, i)) for i in ids)))
    registered = {k.key for k in links.kinds()}
    for kind_key, ids in item.links.items():
        if kind_key not in registered and ids:
            groups.append(LinkGroup(kind_key, tuple((i, i) for i in ids)))
    return groups


def standard_view(
    framework: Framework, standard: Item, known: dict[str, Mapping[str, str]] | None = None
) -> dict:
    """A standard with the titles of what it serves and what tests it, for the templates."""
    known = links.known_by_kind() if known is None else known

    def titles(part: str, keys: tuple[str, ...]) -> list[str]:
        return [(framework.find(part, k) or Item(k, k)).title for k in keys]

    return {
        "item": standard,
        "golden_threads": titles("golden_threads", standard.golden_threads),
        "principles": titles("principles", standard.principles),
        "link_groups": link_groups(standard, known),
    }


def framework_parts(framework: Framework) -> list[dict]:
    """Each part with its items, in reading order, for the templates."""
    known = links.known_by_kind()  # what exists, read once for every item on the page
    return [
        {
            "part": part,
            "items": framework.items(part.key),
            "standards": [standard_view(framework, s, known) for s in framework.items(part.key)]
            if part.key == "standards"
            else [],
            "measures": [
                {"item": m, "link_groups": link_groups(m, known)} for m in framework.items(part.key)
            ]
            if part.key == "measures"
            else [],
        }
        for part in PARTS
    ]


def _common(request: HttpRequest) -> dict:
    return {
        "can_manage": policy.can(request.user, policy.Capability.MANAGE_FRAMEWORK),
        "draft": selectors.framework_draft(),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Practice on a page: the framework in force, as short cards."""
    in_force = selectors.framework_in_force()
    return render(
        request,
        "framework/home.html",
        _common(request)
        | {
            "in_force": in_force,
            "framework": in_force.framework,
            "parts": framework_parts(in_force.framework),
        },
    )


@require_GET
def standard(request: HttpRequest, key: str) -> HttpResponse:
    in_force = selectors.framework_in_force()
    found = in_force.framework.find("standards", key)
    if found is None:
        raise Http404("No such practice standard")
    evidence = ""
    if policy.can(request.user, policy.Capability.VIEW_THEMES):
        evidence = reverse("standards:detail", kwargs={"key": key})
    return render(
        request,
        "framework/standard.html",
        _common(request)
        | {
            "in_force": in_force,
            "framework": in_force.framework,
            "standard": standard_view(in_force.framework, found),
            "evidence_url": evidence,
        },
    )


@require_GET
def versions(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "framework/versions.html",
        _common(request)
        | {
            "versions": selectors.framework_versions(
                with_draft=policy.can(request.user, policy.Capability.MANAGE_FRAMEWORK)
            ),
            "in_force": selectors.framework_in_force(),
        },
    )


def _version_for(request: HttpRequest, number: int) -> FrameworkVersion:
    """A version the person may read: a draft is work in progress, read only by those who may
    edit it (to anyone else it does not exist)."""
    row = selectors.framework_version_get(number)
    if row.is_draft and not policy.can(request.user, policy.Capability.MANAGE_FRAMEWORK):
        raise Http404("No such version")
    return row


@require_GET
def version(request: HttpRequest, number: int) -> HttpResponse:
    """One version as it was (or, for the draft, as it is now), read-only."""
    row = _version_for(request, number)
    framework = selectors.framework_of(row)
    return render(
        request,
        "framework/version.html",
        _common(request)
        | {
            "row": row,
            "framework": framework,
            "parts": framework_parts(framework),
            "problems": links.problems(framework) if row.is_draft else [],
        },
    )


def _yaml(framework: Framework, filename: str) -> HttpResponse:
    response = HttpResponse(content.dump(framework), content_type="text/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def download(request: HttpRequest, number: int) -> HttpResponse:
    row = _version_for(request, number)
    return _yaml(selectors.framework_of(row), f"framework-version-{row.number}.yml")


@require_GET
def download_in_force(request: HttpRequest) -> HttpResponse:
    in_force = selectors.framework_in_force()
    name = f"framework-version-{in_force.number}.yml" if in_force.number else "framework.yml"
    return _yaml(in_force.framework, name)


urlpatterns = [
    path("", home, name="home"),
    path("framework.yml", download_in_force, name="download_in_force"),
    path("standards/<slug:key>/", standard, name="standard"),
    path("versions/", versions, name="versions"),
    path("versions/<int:number>/", version, name="version"),
    path("versions/<int:number>/framework.yml", download, name="download"),
]
