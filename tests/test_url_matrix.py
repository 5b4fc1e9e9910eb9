"""Every URL, as each role and as nobody: the status the policy says it should give, and every
child the response names is in the access log.

The access-log check covers the whole class, found rather than listed: for every URL and every
role, each child's person ID that appears in the page or CSV (children of the current snapshot
and of every practice record that names a child) must have an access log entry for that user,
written by that request; a URL marked `child_record=True` must write at least one.
"""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from lineofsight.accounts.models import AccessLogEntry

from .url_matrix import EXPECTED, NOBODY, SIGN_IN, VIEWERS, Expect, admin_expectation


def _walk(patterns, namespace: str = "", prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, ns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


def all_url_names() -> dict[str, str]:
    return dict(_walk(get_resolver().url_patterns))


def _admin_kwargs(name: str, route: str, council: dict) -> dict:
    """Arguments for an admin URL: a real object of the model the URL is about."""
    kwargs: dict = {}
    if "content_type_id" in route:
        from django.contrib.contenttypes.models import ContentType

        team = council["teams"]["east"]
        return {"content_type_id": ContentType.objects.get_for_model(team).pk, "object_id": team.pk}
    if "<app_label>" in route:
        kwargs["app_label"] = "accounts"
    if "object_id" in route:
        from django.apps import apps

        match = re.match(r"admin:(\w+?)_(\w+)_(change|history|delete)$", name)
        assert match, f"cannot tell which model {name} is about"
        model = apps.get_model(match.group(1), match.group(2))
        obj = model.objects.order_by("pk").first()
        if obj is None:
            obj = _make_admin_object(model, council)
        kwargs["object_id"] = obj.pk
    return kwargs


def _make_admin_object(model, council):
    from lineofsight.accounts.services import access_log_record
    from lineofsight.history.models import ChangeEvent

    if model is AccessLogEntry:
        return access_log_record(user=council["users"]["qa_lead"], person_id="C-1", path="/test/")
    if model is ChangeEvent:
        return ChangeEvent.objects.create(
            action="test", object_type="accounts.team", object_id="1", object_repr="East"
        )
    raise AssertionError(f"no test object for {model}")


def expectation_for(name: str) -> Expect | None:
    if name in EXPECTED:
        return EXPECTED[name]
    if name.startswith("admin:"):
        return admin_expectation(name)
    return None


def test_every_url_has_an_expectation():
    missing = sorted(n for n in all_url_names() if expectation_for(n) is None)
    assert not missing, f"URLs with no entry in tests/url_matrix.py: {missing}"


def test_no_stale_expectations():
    names = set(all_url_names())
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"entries for URLs that no longer exist: {stale}"


TEXT_TYPES = ("text/html", "text/csv")
# The access log lists the IDs of children others viewed: reading it is auditing those views,
# not viewing the children's records (and logging it would log itself without end).
NOT_A_VIEW_OF_A_CHILD = {"accounts:access_log", "accounts:access_log_export"}
# Text that looks like a test child's ID but is not one.
NOT_A_CHILD = {("indicators:detail", "C1"): "the DfE's table C1, named as a source"}


def known_person_ids() -> set[str]:
    """Person IDs the test data holds: the current snapshot's children and every practice record
    that names one."""
    from django.apps import apps

    from lineofsight.casework import store

    ids: set[str] = set()
    for model in apps.get_models():
        if any(f.name == "person_id" for f in model._meta.get_fields()):
            ids |= set(model.objects.exclude(person_id="").values_list("person_id", flat=True))
    snapshot = store.current_snapshot()
    if snapshot is not None:
        con = store.connect(snapshot)
        try:
            ids |= {r[0] for r in con.execute("SELECT pers_person_id FROM ssd_person").fetchall()}
        finally:
            con.close()
    return {str(i) for i in ids if i and len(str(i)) >= 2}


def children_named(name: str, response) -> set[str]:
    """The known children a text response names (nothing for other content types)."""
    if response.get("Content-Type", "").split(";")[0] not in TEXT_TYPES:
        return set()
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    return {
        p
        for p in known_person_ids()
        if (name, p) not in NOT_A_CHILD and re.search(rf"(?<![\w-]){re.escape(p)}(?![\w-])", text)
    }


def _cases():
    for name, route in sorted(all_url_names().items()):
        for viewer in VIEWERS:
            yield pytest.param(name, route, viewer, id=f"{name}-as-{viewer or 'nobody'}")


@pytest.mark.parametrize(("name", "route", "viewer"), list(_cases()))
def test_url_as_role(name, route, viewer, client_for, council):
    exp = expectation_for(name)
    assert exp is not None
    if name.startswith("admin:"):
        kwargs = _admin_kwargs(name, route, council)
    else:
        kwargs = exp.kwargs(council) if exp.kwargs else {}
    url = reverse(name, kwargs=kwargs)
    logged_before = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0

    response = client_for(viewer).get(url)

    expected = exp.statuses[viewer]
    assert response.status_code == expected, (
        f"{url} as {viewer or 'nobody'}: got {response.status_code}, expected {expected}"
    )
    if viewer is NOBODY and expected == 302:
        location = response["Location"]
        assert location.startswith(SIGN_IN) or location.startswith("/admin/login/"), location
    if viewer is NOBODY or expected != 200:
        return
    logged = AccessLogEntry.objects.filter(id__gt=logged_before, user=council["users"][viewer])
    if exp.child_record:
        assert logged.exists(), f"{url} as {viewer}: child view was not logged"
        assert all(e.path for e in logged), "an entry should say on which page"
    if name.startswith("admin:") or name in NOT_A_VIEW_OF_A_CHILD:
        return  # the admin shows no casework
    missing = children_named(name, response) - set(logged.values_list("person_id", flat=True))
    assert not missing, f"{url} as {viewer} names {sorted(missing)} without logging them"
