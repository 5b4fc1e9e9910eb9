"""What the download tests of the committee report and the self-evaluation share."""

from __future__ import annotations

from django.urls import reverse


def url(name: str, pk: int) -> str:
    return reverse(f"reports:{name}", kwargs={"pk": pk})


def body(response) -> bytes:
    return b"".join(response.streaming_content)
