"""A filter in a list page's address (its query string) that cannot be used.

A list page never ignores a filter it does not understand and shows everything instead: it
says what is wrong, with status 400, and lists nothing. Selectors raise `BadFilter`; views
wrapped in `refuses_bad_filters` turn it into that page; a form of filters with
`FilterMessagesMixin` says the same of a value that is not one of its choices."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class BadFilter(ValueError):
    """Filters in the query string that cannot be used; each problem is a sentence."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def page_of(request: HttpRequest, items, per_page: int = 50) -> tuple[Page, str]:
    """The page of `items` the query string asks for, and the query string without the page
    number, so that web/includes/pagination.html keeps the filters from page to page."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(items, per_page).get_page(request.GET.get("page")), query.urlencode()


def bad_filter_page(request: HttpRequest, problems: list[str]) -> HttpResponse:
    return render(
        request,
        "web/bad_filter.html",
        {"problems": problems, "unfiltered": request.path},
        status=400,
    )


def refuses_bad_filters(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadFilter as exc:
            return bad_filter_page(request, exc.problems)

    return wrapped


class FilterMessagesMixin:
    """For a form of filters on a list page (read from the query string): a value that is not
    one of the choices says which filter and what to do, in plain words. The page then shows
    the error (status 400) and no list, never the whole list as if there were no filter."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            if hasattr(field, "choices"):
                label = str(field.label or "an option").lower()
                field.error_messages["invalid_choice"] = (
                    f"Choose {label} from the list: the value in the page address is not one"
                )
                field.error_messages["invalid_pk_value"] = field.error_messages["invalid_choice"]
