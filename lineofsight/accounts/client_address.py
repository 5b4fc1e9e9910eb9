"""The address a request came from, read the same way everywhere (throttles, the sessions page).

Behind the documented reverse proxy every connection comes from the proxy itself (127.0.0.1), so
the connection's own address (`REMOTE_ADDR`) would make the whole council look like one visitor.
Each proxy adds the address it was reached from to the end of `X-Forwarded-For`; anything before
that is whatever the browser chose to send. So with `TRUSTED_PROXY_COUNT` proxies in front of the
service, the client is the entry that many places from the end of the chain that ends with
`REMOTE_ADDR`, and earlier entries are ignored. With 0 (the default, for a service reached
directly) the header is not read at all. python-ipware parses the header (ports, IPv6 brackets,
IPv4-mapped addresses, junk entries).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from python_ipware import IpWare


def trusted_proxy_count() -> int:
    return max(0, int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0))


def client_address(request: HttpRequest) -> str | None:
    """The client's address, or None when the request carries none that parses."""
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxy_count()
    if proxies == 0:
        return remote
    # ipware counts only the proxies listed in the header: the nearest proxy is REMOTE_ADDR.
    ipware = IpWare(precedence=("HTTP_X_FORWARDED_FOR",), proxy_count=proxies - 1)
    ip, trusted_route = ipware.get_client_ip(request.META)
    if ip is None or not trusted_route:
        # Too few entries for the proxies configured: not a request that came through them all,
        # so nothing in the header can be trusted.
        return remote
    return str(ip)
