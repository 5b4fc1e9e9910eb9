from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.web import figures
from lineofsight.workforce.sources import training_need_url

from . import selectors


@require_GET
@policy.requires(policy.Capability.VIEW_THEMES)
def index(request: HttpRequest) -> HttpResponse:
    themes, free_tags = selectors.theme_index(request.user)
    return render(
        request,
        "themes/index.html",
        {
            "themes": themes,
            "free_tags": free_tags,
            "sees_everything": selectors.sees_everything(request.user),
            "suppression_note": figures.SUPPRESSION_NOTE,
        },
    )


@require_GET
@policy.requires(policy.Capability.VIEW_THEMES)
def detail(request: HttpRequest, key: str) -> HttpResponse:
    found = selectors.triangulation(request.user, key)
    if found is None:
        raise Http404("No such theme")
    return render(
        request,
        "themes/detail.html",
        {
            "t": found,
            "sees_everything": selectors.sees_everything(request.user),
            "suppression_note": figures.SUPPRESSION_NOTE,
            # What audits, practice weeks and supervision show about a theme may be a need for
            # training: raised here as an improvement action from learning and development.
            "training_need_url": (
                training_need_url(request.user, f"theme-{key}", theme=key)
                if found.theme.suggested
                else ""
            ),
        },
    )
