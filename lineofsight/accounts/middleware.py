"""Pages and downloads are never kept in a browser's or a proxy's cache.

Children's names and case details appear on most pages and in every export, and a shared council
computer's cache (or a proxy between the office and the server) must not keep them. The simplest
rule that holds: every HTML page and every CSV, Word, PDF or Excel download is sent with
`Cache-Control: no-store, private`, whoever asked for it. Static files (served by WhiteNoise
before this middleware runs), the council stylesheet and the health check are not documents, so
they keep their own caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

NO_STORE = "no-store, private"

DOCUMENT_TYPES = frozenset(
    {
        "text/html",
        "text/csv",
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


def is_document(response: HttpResponse) -> bool:
    content_type = (response.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    return content_type in DOCUMENT_TYPES


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_document(response):
            response["Cache-Control"] = NO_STORE
            response.headers.pop("Expires", None)
        return response
