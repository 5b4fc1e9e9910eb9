"""The client's address behind the documented reverse proxy (accounts.client_address)."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from lineofsight.accounts.client_address import client_address
from lineofsight.accounts.models import SignInAttempt

PROXY = "127.0.0.1"


def _address(settings, proxies: int, forwarded: str | None) -> str | None:
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra))


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(settings):
    assert _address(settings, 0, "198.51.100.7") == PROXY


def test_one_proxy_gives_the_address_it_added(settings):
    assert _address(settings, 1, "198.51.100.7") == "198.51.100.7"


def test_entries_a_browser_sent_before_the_proxy_are_ignored(settings):
    # nginx appends the address it was reached from; what comes before is the browser's own say.
    assert _address(settings, 1, "203.0.113.66, 10.9.9.9, 198.51.100.7") == "198.51.100.7"
    assert _address(settings, 1, "not-an-address, 198.51.100.7") == "198.51.100.7"


def test_two_proxies_count_back_two_places(settings):
    forwarded = "203.0.113.66, 198.51.100.7, 10.0.0.2"  # spoofed, client, load balancer
    assert _address(settings, 2, forwarded) == "198.51.100.7"


def test_a_request_that_did_not_pass_every_proxy_falls_back_to_the_connection(settings):
    assert _address(settings, 1, None) == PROXY
    assert _address(settings, 2, "198.51.100.7") == PROXY


def test_ports_and_ipv6_are_read(settings):
    assert _address(settings, 1, "198.51.100.7:51234") == "198.51.100.7"
    assert _address(settings, 1, "[2001:db8::5]:443") == "2001:db8::5"


@pytest.mark.django_db
def test_sign_in_attempts_record_the_address_behind_the_proxy(settings, council):
    settings.TRUSTED_PROXY_COUNT = 1
    client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7")
    client.post(reverse("accounts:sign_in"), {"email": "nobody@example.org", "password": "x"})
    assert SignInAttempt.objects.get().ip_address == "198.51.100.7"
