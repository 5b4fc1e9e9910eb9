"""The improvement board: every indicator with its trend, comparators and target; one indicator in
full; the children behind a figure; and the council's targets."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from lineofsight.accounts import policy
from lineofsight.accounts.models import AccessPurpose
from lineofsight.accounts.services import access_log_record, access_log_record_many
from lineofsight.casework.models import Snapshot
from lineofsight.web.filters import refuses_bad_filters
from lineofsight.web.forms import edit_values, form_status, show_conflict, submit
from lineofsight.web.spreadsheet import safe_text

from . import by_team, selectors, services
from .catalogue import catalogue
from .coverage import unsupported
from .forms import TargetForm
from .presentation import SUPPRESSION_NOTE, Rag, polarity_text, unit_text
from .types import Indicator, Source

CHILDREN_PAGE_SIZE = 100


def _filter_context(filters: selectors.Filters) -> dict:
    return {
        "filters": filters,
        "query": filters.query(),
        "suppression_note": SUPPRESSION_NOTE,
        "comparison_note": COMPARISON_NOTE,
    }


COMPARISON_NOTE = (
    "The published figures for England, the region and similar councils are for whole "
    "councils, not for a team or service, so compare them with care."
)


# How long the board keeps a snapshot's cards for one scope and filter. The key already changes
# with anything the cards show, so this only bounds how long an unused filter takes up memory.
BOARD_CACHE_SECONDS = 60 * 60
CARD_TEMPLATE = "indicators/includes/board_card.html"


@dataclass(frozen=True)
class _Card:
    html: str  # the rendered <li> of the card grid
    rag: str  # "green", "amber", "red" or "" (not rated)


def _cards(rows: Iterable[selectors.IndicatorRow], filters: selectors.Filters) -> dict[str, _Card]:
    return {
        row.indicator.id: _Card(
            render_to_string(CARD_TEMPLATE, {"row": row, "filters": filters}),
            row.rag.value if row.rag is not None else "",
        )
        for row in rows
    }


def _live_cards(rows: Iterable[selectors.IndicatorRow], filters: selectors.Filters) -> dict:
    """Cards of indicators counted from the product's own records (audits, moderation, actions).
    Their figures are counted on every request, as the records change without a new snapshot;
    only the rendering is kept, under a key made of the figures themselves
    (selectors.live_card_key), so a changed audit shows at once."""
    out: dict[str, _Card] = {}
    for row in rows:
        key = selectors.live_card_key(row=row, filters=filters)
        card = cache.get(key)
        if card is None:
            card = _cards([row], filters)[row.indicator.id]
            cache.set(key, card, BOARD_CACHE_SECONDS)
        out[row.indicator.id] = card
    return out


def _board_cards(
    request: HttpRequest, snapshot: Snapshot, filters: selectors.Filters
) -> tuple[dict[str, _Card], list[tuple[str, str]]]:
    """Every card on the board, by indicator id, and the figures the snapshot cannot support.

    The cards of indicators the snapshot fixes (figures, charts, comparisons) are rendered once
    per snapshot, scope, filter and target and kept (selectors.board_cache_key says what the key
    holds); suppression is applied before they are kept. The others are counted every time
    (_live_cards). One engine call either way: everything on a miss, the records on a hit."""
    targets = selectors.targets_by_indicator()
    key = selectors.board_cache_key(
        user=request.user, snapshot=snapshot, filters=filters, targets=targets
    )
    kept = cache.get(key)
    live_ids = selectors.live_indicator_ids()
    if kept is not None:
        rows = selectors.board_rows(
            snapshot=snapshot, filters=filters, ids=live_ids, targets=targets
        )
        return kept["cards"] | _live_cards(rows, filters), kept["unsupported"]
    rows = selectors.board_rows(snapshot=snapshot, filters=filters, targets=targets)
    kept = {
        "cards": _cards((r for r in rows if r.indicator.id not in live_ids), filters),
        "unsupported": [(u.indicator.title, u.reason) for u in unsupported(snapshot)],
    }
    cache.set(key, kept, BOARD_CACHE_SECONDS)
    live = _live_cards((r for r in rows if r.indicator.id in live_ids), filters)
    return kept["cards"] | live, kept["unsupported"]


@require_GET
@refuses_bad_filters
def board(request: HttpRequest) -> HttpResponse:
    snapshot, filters = selectors.board_scope(request.user, request.GET)
    cards: list[str] = []
    rag_counts = {r.value: 0 for r in Rag}
    not_supported: list[tuple[str, str]] = []
    if snapshot is not None:
        by_id, not_supported = _board_cards(request, snapshot, filters)
        for indicator in catalogue():
            card = by_id.get(indicator.id)
            if card is None:
                continue
            cards.append(mark_safe(card.html))  # noqa: S308 - rendered by our own template
            if card.rag:
                rag_counts[card.rag] += 1
    return render(
        request,
        "indicators/board.html",
        {
            "cards": cards,
            "rag_counts": rag_counts,
            "snapshot": snapshot,
            "unsupported": not_supported,
            "can_set_targets": policy.can(request.user, policy.Capability.SET_INDICATOR_TARGETS),
            **_filter_context(filters),
        },
    )


def _team_table(
    indicator: Indicator, snapshot: Snapshot, filters: selectors.Filters
) -> by_team.TeamTable:
    """The indicator for each team the user may see. A snapshot indicator's table is fixed by
    the snapshot, the period and the teams (selectors.team_table_key), so it is worked out once
    and kept; one counted from the product's own records is worked out every time."""

    def compute() -> by_team.TeamTable:
        return by_team.team_table(
            indicator=indicator,
            snapshot=snapshot,
            period_end=filters.period_end,
            teams=filters.teams,
        )

    if indicator.source is not Source.SNAPSHOT:
        return compute()
    key = selectors.team_table_key(
        indicator=indicator, snapshot=snapshot, period_end=filters.period_end, teams=filters.teams
    )
    table = cache.get(key)
    if table is None:
        table = compute()
        cache.set(key, table, BOARD_CACHE_SECONDS)
    return table


@require_GET
@refuses_bad_filters
def detail(request: HttpRequest, indicator_id: str) -> HttpResponse:
    found = selectors.indicator_detail(request.user, indicator_id, request.GET)
    teams = None
    if found.snapshot is not None and found.filters.teams:
        teams = _team_table(found.indicator, found.snapshot, found.filters)
    return render(
        request,
        "indicators/detail.html",
        {
            "detail": found,
            "by_team": teams,
            "indicator": found.indicator,
            "row": found.row,
            "snapshot": found.snapshot,
            "polarity_text": polarity_text(found.indicator.polarity),
            "unit_text": unit_text(found.indicator.unit),
            "can_set_targets": policy.can(request.user, policy.Capability.SET_INDICATOR_TARGETS),
            **_filter_context(found.filters),
        },
    )


def _log_children_view(
    request: HttpRequest, listing: selectors.ChildrenList, shown: Iterable[str]
) -> None:
    """An entry for the list itself (naming the indicator, so the log says why these children
    were seen together) and one for every child shown, so a search of the access log by child
    finds this view; each child's record is logged again when opened."""
    if listing.snapshot is None or not listing.about_children:
        return
    access_log_record(
        user=request.user,
        person_id=f"list:{listing.indicator.id}"[:48],
        purpose=AccessPurpose.PERFORMANCE,
        path=request.get_full_path(),
    )
    access_log_record_many(
        user=request.user,
        person_ids=shown,
        purpose=AccessPurpose.PERFORMANCE,
        path=request.get_full_path(),
    )


@require_GET
@refuses_bad_filters
def children(request: HttpRequest, indicator_id: str) -> HttpResponse:
    listing = selectors.children_behind(request.user, indicator_id, request.GET)
    page = Paginator(listing.children, CHILDREN_PAGE_SIZE).get_page(request.GET.get("page"))
    _log_children_view(request, listing, (c.person_id for c in page.object_list))
    context = _filter_context(listing.filters)
    context["base_query"] = context["query"]  # without the met filter
    if listing.met_filter:
        context["query"] = listing.filters.query(met=listing.met_filter)
    return render(
        request,
        "indicators/children.html",
        {"listing": listing, "indicator": listing.indicator, "page": page, **context},
    )


_csv_cell = safe_text


@require_GET
@refuses_bad_filters
def children_export(request: HttpRequest, indicator_id: str) -> HttpResponse:
    listing = selectors.children_behind(request.user, indicator_id, request.GET)
    _log_children_view(request, listing, (c.person_id for c in listing.children))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"{listing.indicator.id}-{listing.filters.period_end:%Y-%m-%d}"
    response["Content-Disposition"] = f'attachment; filename="children-behind-{name}.csv"'
    out = csv.writer(response)
    # Plain headings and words, as on the page: no column names, codes or ISO dates.
    who = "Child's ID" if listing.about_children else "Worker's ID"
    out.writerow(
        [
            "Indicator",
            "Period ending",
            "Area",
            who,
            "Name",
            "Met the measure",
            "In the figure",
            "Team",
            "Detail",
            "Data as at",
        ]
    )
    as_at = f"{listing.snapshot.as_at:%d/%m/%Y}" if listing.snapshot else ""
    for child in listing.children:
        out.writerow(
            [
                _csv_cell(v)
                for v in (
                    listing.indicator.title,
                    f"{listing.filters.period_end:%d/%m/%Y}",
                    listing.filters.area,
                    child.person_id,
                    child.name,
                    child.met_text,
                    "Counted" if child.counted_in == "numerator" else "Out of only",
                    child.team,
                    child.detail,
                    as_at,
                )
            ]
        )
    return response


@require_GET
@policy.requires(policy.Capability.VIEW_INDICATORS)
def targets(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "indicators/targets.html",
        {
            "lines": selectors.target_lines(),
            "can_set_targets": policy.can(request.user, policy.Capability.SET_INDICATOR_TARGETS),
        },
    )


@require_http_methods(["GET", "POST"])
@policy.requires(policy.Capability.SET_INDICATOR_TARGETS)
def target_edit(request: HttpRequest, indicator_id: str) -> HttpResponse:
    indicator = selectors.get_indicator(indicator_id)
    current = selectors.targets_by_indicator().get(indicator.id)
    version = current.version if current else 0
    initial = {"version": version}
    if current is not None:
        initial |= {
            "target": current.target,
            "amber_margin": current.amber_margin,
            "note": current.note,
        }
    else:
        initial["amber_margin"] = 0
    allowed = selectors.may_have_target(indicator)
    error = ""
    if request.method != "POST":
        form = TargetForm(initial=initial, indicator=indicator)
    elif not allowed:
        form = TargetForm(initial=initial, indicator=indicator)
        error = (
            f"{indicator.title} is a volume to watch, not a target to beat, so it has no target."
        )
    elif "remove" in request.POST:
        # Removing needs no figures: only the version the page was loaded at.
        form = TargetForm(request.POST, indicator=indicator)
        try:
            expected = int(request.POST.get("version") or 0)
        except ValueError:
            error = "The form was out of date. Open it again and retry."
        else:
            try:
                services.target_remove(
                    actor=request.user, indicator_id=indicator.id, expected_version=expected
                )
            except services.TargetChangedMeanwhile as exc:
                show_conflict(form, exc)
            else:
                messages.success(request, f"The target for {indicator.title} has been removed.")
                return redirect("indicators:targets")
        if not getattr(form, "conflict", None):
            form = TargetForm(initial=initial, indicator=indicator)
    else:
        form = TargetForm(request.POST, indicator=indicator)
        if submit(
            request,
            form,
            lambda data: services.target_set(
                actor=request.user, indicator_id=indicator.id, **edit_values(data)
            ),
        ):
            messages.success(request, f"The target for {indicator.title} is saved.")
            return redirect("indicators:targets")
    conflict = getattr(form, "conflict", None)
    return render(
        request,
        "indicators/target_edit.html",
        {
            "indicator": indicator,
            "form": form,
            "current": current,
            "error": error,
            "their_version": _target_items(conflict.current) if conflict else [],
            "allowed": allowed,
            "polarity_text": polarity_text(indicator.polarity),
            "unit_text": unit_text(indicator.unit),
        },
        status=form_status(request, form),
    )


def _target_items(target) -> list[tuple[str, str]]:
    """The target as someone else saved it, for the conflict panel (none: they removed it)."""
    if target is None:
        return []
    return [
        ("Target", str(target.target)),
        ("Amber margin", str(target.amber_margin)),
        ("Note", target.note or "None"),
    ]
