"""Every URL, as each role and as nobody: the status the policy says it should give."""

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
    logged_before = AccessLogEntry.objects.count()

    response = client_for(viewer).get(url)

    expected = exp.statuses[viewer]
    assert response.status_code == expected, (
        f"{url} as {viewer or 'nobody'}: got {response.status_code}, expected {expected}"
    )
    if viewer is NOBODY and expected == 302:
        location = response["Location"]
        assert location.startswith(SIGN_IN) or location.startswith("/admin/login/"), location
    if exp.child_record and expected == 200:
        assert AccessLogEntry.objects.count() > logged_before, "child view was not logged"
