"""The regional page: councils side by side per indicator, with the region and England, from
pooled (pseudonymised) extracts only. Performance analysts only; it never lists children."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lineofsight.accounts import policy
from lineofsight.web.figures import SUPPRESSION_NOTE

from . import selectors
from .forms import RegionFilterForm


@require_GET
@policy.requires(policy.Capability.RUN_IMPORTS)
def index(request: HttpRequest) -> HttpResponse:
    found = selectors.loaded()
    context: dict = {
        "found": found,
        "region_dir": selectors.region_dir(),
        "suppression_note": SUPPRESSION_NOTE,
    }
    if not found.extracts:
        return render(request, "region/index.html", context)
    choices = selectors.indicator_choices()
    ends = selectors.period_ends(found.extracts)
    data = request.GET if request.GET else None
    form = RegionFilterForm(data, indicators=choices, ends=ends)
    if data is None:
        indicator_id, period_end = choices[0][0], ends[0]
        form = RegionFilterForm(
            initial={"indicator": indicator_id, "period_end": period_end.isoformat()},
            indicators=choices,
            ends=ends,
        )
    elif form.is_valid():
        indicator_id = form.cleaned_data["indicator"]
        period_end = date.fromisoformat(form.cleaned_data["period_end"])
    else:
        context["form"] = form
        return render(request, "region/index.html", context, status=400)
    context["form"] = form
    context["councils"] = [selectors.council_name(c) for c in found.councils]
    context["table"] = selectors.region_table(found.extracts, indicator_id, period_end)
    return render(request, "region/index.html", context)
