"""Editing the framework for practice (MANAGE_FRAMEWORK: the QA leads, who include the principal
social worker): start or continue the one draft, change its name, vision and launch date, add,
change or remove an item of any part, then publish it with a note or discard it. Every form
carries the draft's version; a save over someone else's change shows what they saved."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.web.forms import edit_values, form_page

from . import links, selectors, services
from .content import PART, PARTS
from .forms import HeaderForm, ItemForm, PublishForm, VersionedForm, item_values
from .models import FrameworkVersion

MANAGE = policy.Capability.MANAGE_FRAMEWORK
NO_DRAFT = "There is no draft to change: it was published or discarded. Start a new draft here."


def _no_draft(request: HttpRequest) -> HttpResponse:
    messages.info(request, NO_DRAFT)
    return redirect("framework:draft")


def _part(part: str):
    if part not in PART:
        raise Http404("No such part of the framework")
    return PART[part]


@require_GET
@policy.requires(MANAGE)
def draft(request: HttpRequest) -> HttpResponse:
    """The draft with a change and remove link on every item, and the links that would stop it
    being published; or, when there is none, the button that starts one."""
    row = selectors.framework_draft()
    context: dict = {"row": row, "in_force": selectors.framework_in_force()}
    if row is not None:
        framework = selectors.framework_of(row)
        context |= {
            "framework": framework,
            "parts": [(part, framework.items(part.key)) for part in PARTS],
            "problems": links.problems(framework),
        }
    return render(request, "framework/draft.html", context)


@require_POST
@policy.requires(MANAGE)
def draft_start(request: HttpRequest) -> HttpResponse:
    existing = selectors.framework_draft()
    row = services.framework_draft_start(actor=request.user)
    if existing is None:
        messages.success(request, f"Draft version {row.number} is started.")
    return redirect("framework:draft")


def _saved_header(current: FrameworkVersion) -> dict:
    data = current.content or {}
    return {
        "name": data.get("name", ""),
        "vision": data.get("vision", ""),
        "launch_date": data.get("launch_date") or "",
    }


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def header(request: HttpRequest) -> HttpResponse:
    row = selectors.framework_draft()
    if row is None:
        return _no_draft(request)
    framework = selectors.framework_of(row)
    initial = {
        "version": row.version,
        "name": framework.name,
        "vision": framework.vision,
        "launch_date": framework.launch_date,
    }
    form = HeaderForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form,
        lambda data: services.framework_header_save(
            actor=request.user, draft=row, **edit_values(data)
        ),
        template="framework/header_form.html",
        context={"row": row},
        done=lambda _: redirect("framework:draft"),
        message="The name, vision and launch date are saved in the draft.",
        saved=_saved_header,
    )


def _saved_item(part: str, key: str | None):
    def saved(current: FrameworkVersion) -> dict:
        if key is None:
            return {}
        return item_values(selectors.framework_of(current).find(part, key))

    return saved


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def item(request: HttpRequest, part: str, key: str | None = None) -> HttpResponse:
    """Add an item to a part (no key) or change the item with `key`."""
    the_part = _part(part)
    row = selectors.framework_draft()
    if row is None:
        return _no_draft(request)
    framework = selectors.framework_of(row)
    current = framework.find(part, key) if key is not None else None
    if key is not None and current is None and request.method != "POST":
        raise Http404("No such item in the draft")
    # An item removed since the form was opened: the service refuses the save and says so.
    form = ItemForm(
        request.POST or None,
        initial={"version": row.version},
        part=part,
        framework=framework,
        current=current,
    )
    return form_page(
        request,
        form,
        lambda data: services.framework_item_save(
            actor=request.user,
            draft=row,
            expected_version=data["version"],
            part=part,
            key=key,
            values=form.values(),
        ),
        template="framework/item_form.html",
        context={"row": row, "part": the_part, "key": key, "current": current},
        done=lambda _: redirect(f"{_draft_url()}#{part}"),
        message=lambda _: (
            f"The {the_part.singular} “{form.cleaned_data['title']}” is saved in the draft."
        ),
        saved=_saved_item(part, key),
    )


def _draft_url() -> str:
    return reverse("framework:draft")


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def item_remove(request: HttpRequest, part: str, key: str) -> HttpResponse:
    the_part = _part(part)
    row = selectors.framework_draft()
    if row is None:
        return _no_draft(request)
    current = selectors.framework_of(row).find(part, key)
    if current is None:
        raise Http404("No such item in the draft")
    form = VersionedForm(request.POST or None, initial={"version": row.version})
    return form_page(
        request,
        form,
        lambda data: services.framework_item_remove(
            actor=request.user, draft=row, part=part, key=key, **edit_values(data)
        ),
        template="framework/item_remove.html",
        context={"row": row, "part": the_part, "current": current},
        done=lambda _: redirect(f"{_draft_url()}#{part}"),
        message=f"The {the_part.singular} “{current.title}” is removed from the draft.",
    )


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def publish(request: HttpRequest) -> HttpResponse:
    row = selectors.framework_draft()
    if row is None:
        return _no_draft(request)
    form = PublishForm(request.POST or None, initial={"version": row.version})
    return form_page(
        request,
        form,
        lambda data: services.framework_publish(actor=request.user, draft=row, **edit_values(data)),
        template="framework/publish.html",
        context={"row": row, "problems": links.problems(selectors.framework_of(row))},
        done=lambda _: redirect("framework:home"),
        message=lambda published: f"Version {published.number} is published and now in force.",
    )


@require_http_methods(["GET", "POST"])
@policy.requires(MANAGE)
def discard(request: HttpRequest) -> HttpResponse:
    row = selectors.framework_draft()
    if row is None:
        return _no_draft(request)
    form = VersionedForm(request.POST or None, initial={"version": row.version})
    return form_page(
        request,
        form,
        lambda data: services.framework_draft_discard(
            actor=request.user, draft=row, **edit_values(data)
        ),
        template="framework/discard.html",
        context={"row": row},
        done=lambda _: redirect("framework:home"),
        message=f"Draft version {row.number} is discarded. The version in force is unchanged.",
    )


urlpatterns = [
    path("draft/", draft, name="draft"),
    path("draft/start/", draft_start, name="draft_start"),
    path("draft/name-and-vision/", header, name="header"),
    path("draft/publish/", publish, name="publish"),
    path("draft/discard/", discard, name="discard"),
    path("draft/<slug:part>/add/", item, name="item_add"),
    path("draft/<slug:part>/<slug:key>/", item, name="item_edit"),
    path("draft/<slug:part>/<slug:key>/remove/", item_remove, name="item_remove"),
]
