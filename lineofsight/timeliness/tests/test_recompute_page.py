"""Recomputing from the Timescales page: a button for administrators starts it as imports run,
a page shows its progress (with a button to check again, never refreshing itself) and then its
outcome; refused, changing nothing, for other roles, while something else runs, and for nothing
imported."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lineofsight.accounts.models import Role
from lineofsight.casework.models import Snapshot
from lineofsight.casework.services import SnapshotUnavailable
from lineofsight.casework.store import connect
from lineofsight.history.models import ChangeEvent
from lineofsight.intake import pipeline
from lineofsight.intake.models import ImportRun, RunStatus
from lineofsight.timeliness import recompute, services

from .test_drift_flags import EXPECTED_FLAGS
from .test_import_and_commands import imported  # noqa: F401  (the fixture)

OTHERS = [r for r in Role.values if r != Role.ADMINISTRATOR]


@pytest.fixture(autouse=True)
def inline(settings):
    settings.INTAKE_IMPORTS_INLINE = True


def test_the_timescales_page_offers_the_button(imported, client_for):  # noqa: F811
    page = client_for(Role.ADMINISTRATOR).get(reverse("timeliness:rules")).content.decode()
    assert f'action="{reverse("timeliness:recompute_start")}"' in page
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    assert "Recompute the case data" in page
    assert "lineofsight recompute" not in page  # no command line for the administrator


def test_start_progress_and_outcome(imported, client_for):  # noqa: F811
    services.timescale_rule_update(actor=None, rule_id="cp_visit", value=30)
    admin = client_for(Role.ADMINISTRATOR)

    response = admin.post(reverse("timeliness:recompute_start"))

    run = ImportRun.objects.get(source_name=f"{recompute.RUN_NAME} {imported.pk}")
    assert response.status_code == 302
    assert response["Location"] == reverse("timeliness:recompute_detail", args=[run.pk])
    assert run.status == RunStatus.SUCCEEDED and run.progress == 100
    new = Snapshot.objects.get(is_current=True)
    assert new.pk != imported.pk and run.snapshot_id == new.pk
    with connect(new) as con:
        found = con.execute("SELECT person_id, flag FROM drift_flags ORDER BY 1, 2").fetchall()
    assert found == [f for f in EXPECTED_FLAGS if f != ("C02", "visit_overdue")]
    start = ChangeEvent.objects.get(action="timescales_recompute_start")
    assert start.object_id == str(run.pk) and start.actor.role == Role.ADMINISTRATOR

    page = admin.get(response["Location"]).content.decode()
    assert "The case data is recomputed" in page
    assert 'http-equiv="refresh"' not in page
    assert "Check progress" not in page and "data-waiting" not in page  # finished: no waiting
    listing = admin.get(reverse("timeliness:rules")).content.decode()
    assert reverse("timeliness:recompute_detail", args=[run.pk]) in listing


def test_a_running_recompute_offers_to_check_again(imported, client_for):  # noqa: F811
    run = recompute.run_create(source=imported, actor=None)
    admin = client_for(Role.ADMINISTRATOR)
    url = reverse("timeliness:recompute_detail", args=[run.pk])

    page = admin.get(url).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "<strong>Waiting to start</strong>: 0% done." in page
    assert f'<a href="{url}" role="button"' in page and ">Check progress</a>" in page
    assert "Recomputing carries on if you leave this page" in page
    assert f'href="{reverse("timeliness:rules")}">the Timescales page</a>' in page
    assert 'data-waiting="running"' in page and 'web/waiting.js"' in page

    # Another start while it runs is refused and starts nothing.
    response = admin.post(reverse("timeliness:recompute_start"), follow=True)
    assert "still running" in response.content.decode()
    assert ImportRun.objects.count() == 2  # the import and this run


def test_a_failed_recompute_says_so_and_changes_nothing(
    imported,  # noqa: F811
    client_for,
    monkeypatch,
):
    def explode(context: pipeline.LoadContext) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pipeline, "POST_LOAD_STEPS", [*pipeline.POST_LOAD_STEPS, explode])
    response = client_for(Role.ADMINISTRATOR).post(
        reverse("timeliness:recompute_start"), follow=True
    )
    page = response.content.decode()
    assert "Recomputing failed: nothing was changed" in page and "disk full" in page
    assert Snapshot.objects.get(is_current=True).pk == imported.pk


def test_nothing_imported_is_refused_with_a_reason(db, client_for):
    response = client_for(Role.ADMINISTRATOR).post(
        reverse("timeliness:recompute_start"), follow=True
    )
    assert "nothing to recompute" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_snapshot_awaiting_review_is_refused(imported):  # noqa: F811
    Snapshot.objects.filter(pk=imported.pk).update(is_current=False, published_at=None)
    imported.refresh_from_db()
    with pytest.raises(SnapshotUnavailable, match="waiting for review"):
        recompute.source_checked(imported)


@pytest.mark.parametrize("role", OTHERS)
def test_other_roles_may_not_start_or_follow_it(imported, client_for, role):  # noqa: F811
    run = recompute.run_create(source=imported, actor=None)
    client = client_for(role)
    assert client.post(reverse("timeliness:recompute_start")).status_code == 403
    url = reverse("timeliness:recompute_detail", args=[run.pk])
    assert client.get(url).status_code == 403
    assert ImportRun.objects.count() == 2


def test_an_ordinary_import_is_not_a_recompute(imported, client_for):  # noqa: F811
    run = ImportRun.objects.get(snapshot=imported)
    url = reverse("timeliness:recompute_detail", args=[run.pk])
    assert client_for(Role.ADMINISTRATOR).get(url).status_code == 404
