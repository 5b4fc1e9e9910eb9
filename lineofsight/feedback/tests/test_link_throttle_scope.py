"""The one-time link throttle counts each family's own address behind the council's proxy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from lineofsight.feedback.models import LinkAttempt
from lineofsight.feedback.tests.test_links import new_link, submit

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"


def _behind_proxy(address: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)


def _stale(n: int) -> str:
    return reverse("feedback:public", kwargs={"token": f"stale-link-{n}-abcdefghijklmnop"})


def test_behind_the_proxy_one_familys_stale_links_do_not_block_another(council, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FEEDBACK_LINK_MAX_FAILURES = 10
    good = new_link(council)
    first = _behind_proxy("198.51.100.20")
    for n in range(10):
        assert first.get(_stale(n)).status_code == 404
    assert first.get(good.path).status_code == 429
    other = _behind_proxy("203.0.113.30")
    assert other.get(good.path).status_code == 200
    assert submit(other, good.path).status_code == 302
    assert set(LinkAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}


def test_without_a_trusted_proxy_a_forwarded_header_does_not_dodge_the_limit(council, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.FEEDBACK_LINK_MAX_FAILURES = 2
    for n in range(2):
        assert _behind_proxy(f"198.51.100.{n}").get(_stale(n)).status_code == 404
    assert _behind_proxy("198.51.100.99").get(_stale(9)).status_code == 429


def test_a_spoofed_entry_before_the_proxys_own_does_not_dodge_the_limit(council, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FEEDBACK_LINK_MAX_FAILURES = 2
    for n in range(2):
        spoofed = _behind_proxy(f"10.0.0.{n}, 198.51.100.20")
        assert spoofed.get(_stale(n)).status_code == 404
    assert _behind_proxy("10.0.0.9, 198.51.100.20").get(_stale(9)).status_code == 429


def test_refusals_while_throttled_do_not_extend_the_wait(council, settings):
    settings.FEEDBACK_LINK_MAX_FAILURES = 2
    client = Client(REMOTE_ADDR="198.51.100.20")
    for n in range(2):
        client.get(_stale(n))
    for n in range(5):
        assert client.get(_stale(n)).status_code == 429
    assert LinkAttempt.objects.count() == 2


def test_a_working_link_clears_the_addresss_earlier_misses(council, settings):
    settings.FEEDBACK_LINK_MAX_FAILURES = 3
    client = Client(REMOTE_ADDR="198.51.100.20")
    for n in range(2):
        client.get(_stale(n))
    good = new_link(council)
    assert submit(client, good.path).status_code == 302
    assert not LinkAttempt.objects.exists()
