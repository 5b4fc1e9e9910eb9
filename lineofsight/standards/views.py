from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.web import figures

from . import selectors


@require_GET
@policy.requires(policy.Capability.VIEW_THEMES)
def index(request: HttpRequest) -> HttpResponse:
    found = selectors.standards_index(request.user, request.GET.get("period"))
    return render(
        request,
        "standards/index.html",
        {"index": found, "suppression_note": figures.SUPPRESSION_NOTE},
    )


@require_GET
@policy.requires(policy.Capability.VIEW_THEMES)
def evaluation(request: HttpRequest) -> HttpResponse:
    framework, measures = selectors.evaluation(request.user)
    return render(
        request,
        "standards/evaluation.html",
        {
            "framework": framework,
            "measures": measures,
            "sees_everything": selectors.themes.sees_everything(request.user),
            "suppression_note": figures.SUPPRESSION_NOTE,
        },
    )


@require_GET
@policy.requires(policy.Capability.VIEW_THEMES)
def detail(request: HttpRequest, key: str) -> HttpResponse:
    found = selectors.line_of_sight(request.user, key, request.GET.get("period"))
    if found is None:
        raise Http404("No such standard")
    return render(
        request,
        "standards/detail.html",
        {"s": found, "suppression_note": figures.SUPPRESSION_NOTE},
    )
