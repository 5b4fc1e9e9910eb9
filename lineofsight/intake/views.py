"""The Imports pages: upload an extract, follow an import, read its report, choose the current
snapshot. Every view needs the RUN_IMPORTS capability (performance analysts)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lineofsight.accounts import policy
from lineofsight.accounts.policy import Capability
from lineofsight.casework import schema, store
from lineofsight.casework import selectors as casework_selectors
from lineofsight.casework import services as casework_services
from lineofsight.web.forms import submit

from . import selectors, services
from .forms import UploadForm
from .models import ImportRun, Phase

RECENT_RUNS = 20
PROBLEMS_PER_PAGE = 50


@require_http_methods(["GET", "POST"])
@policy.requires(Capability.RUN_IMPORTS)
def imports(request: HttpRequest) -> HttpResponse:
    services.import_runs_close_interrupted()
    form = UploadForm(request.POST or None, request.FILES or None)
    started = []
    if submit(
        request,
        form,
        lambda data: started.append(
            services.uploaded_import_start(
                actor=request.user,
                file_name=data["file"].name,
                chunks=data["file"].chunks(),
                as_at=data["as_at"],
            )
        ),
    ):
        return redirect("intake:import_detail", pk=started[0].pk)
    # A refused upload comes back with 200, as this page always has.
    return render(
        request,
        "intake/imports.html",
        {
            "form": form,
            "extra_error_target": "id_file",
            "current": store.current_snapshot(),
            "running": selectors.import_running(),
            "in_review": selectors.imports_in_review(),
            "runs": selectors.import_run_list()[:RECENT_RUNS],
        },
    )


@require_GET
@policy.requires(Capability.RUN_IMPORTS)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.import_run_get(pk)
    try:
        number = int(request.GET.get("page", "1"))
    except ValueError:
        number = 1
    timings = [
        (Phase(name).label, timing["seconds"])
        for name, timing in run.phase_timings.items()
        if name in Phase.values and "seconds" in timing
    ]
    page = selectors.report_page(run, number, PROBLEMS_PER_PAGE)
    one = run.error_count == 1
    failure = [
        run.failure_message
        or f"The data has {run.error_count} error{'' if one else 's'}. Correct "
        f"{'it' if one else 'them'} in the case system's extract and import it again."
    ]
    if page.problems:
        failure.append("See the validation report")
    return render(
        request,
        "intake/import_detail.html",
        {
            "run": run,
            "page": page,
            "files": run.files.all(),
            "timings": timings,
            "failure": failure,
            # The failure's lines lead to the validation report, where there is one.
            "failure_target": "problems" if page.problems else "main-content",
        },
    )


@require_POST
@policy.requires(Capability.RUN_IMPORTS)
def import_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish an import the quality gate stopped: its snapshot becomes current."""
    return _review(
        request,
        pk,
        services.import_run_publish,
        lambda run: (
            f"Import {run.pk} is published: snapshot {run.snapshot_id}, as at "
            f"{run.as_at:%d/%m/%Y}, is now current."
        ),
    )


@require_POST
@policy.requires(Capability.RUN_IMPORTS)
def import_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Discard an import the quality gate stopped: nothing changes for anyone."""
    return _review(
        request,
        pk,
        services.import_run_discard,
        lambda run: f"Import {run.pk} is discarded. The current snapshot is unchanged.",
    )


def _review(
    request: HttpRequest,
    pk: int,
    decide: Callable[..., ImportRun],
    said: Callable[[ImportRun], str],
) -> HttpResponse:
    """Publish or discard a stopped import, and say what happened (or why it could not)."""
    run = selectors.import_run_get(pk)
    try:
        run = decide(actor=request.user, run=run)
    except (services.ImportNotReviewable, casework_services.SnapshotUnavailable) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, said(run))
    return redirect("intake:import_detail", pk=run.pk)


@require_GET
@policy.requires(Capability.RUN_IMPORTS)
def import_report(request: HttpRequest, pk: int) -> FileResponse:
    run = selectors.import_run_get(pk)
    path = run.report_file
    if path is None or not path.exists():
        raise Http404("This import has no report")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"import-{run.pk}-validation-report.csv",
        content_type="text/csv; charset=utf-8",
    )


@require_GET
@policy.requires(Capability.RUN_IMPORTS)
def snapshots(request: HttpRequest) -> HttpResponse:
    order = list(schema.tables())
    runs = selectors.import_runs_by_snapshot()
    rows = [
        {
            "snapshot": snapshot,
            "run": runs.get(snapshot.pk),
            "counts": [
                (name, snapshot.row_counts.get(name, 0), snapshot.provided(name)) for name in order
            ],
            "provided": sum(1 for name in order if snapshot.provided(name)),
        }
        for snapshot in casework_selectors.snapshot_list().select_related("published_by")
    ]
    return render(request, "intake/snapshots.html", {"rows": rows, "table_count": len(order)})


@require_POST
@policy.requires(Capability.RUN_IMPORTS)
def snapshot_make_current(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = casework_selectors.snapshot_get(pk)
    try:
        casework_services.snapshot_make_current(actor=request.user, snapshot=snapshot)
    except casework_services.SnapshotUnavailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"Snapshot {snapshot.pk}, as at {snapshot.as_at:%d/%m/%Y}, is now current."
        )
    return redirect("intake:snapshots")
