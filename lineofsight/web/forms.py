"""The one way a view handles a form: `submit` validates the form, runs the service and puts a
refusal (`ServiceError`) on the form, on its field or on the whole form; `form_status` gives
the status code (400 when a POST did not succeed, so a test or a browser sees the refusal).

An edit refused because someone else saved first (`EditConflict`) is kept as `form.conflict`:
the form keeps this person's values but now carries the version saved since, so saving again
is a deliberate choice to replace the other person's change, which the page shows beside
(web/includes/error_summary.html and web/includes/conflict.html read `form.conflict`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import EditConflict, ServiceError

T = TypeVar("T")


def submit(
    request: HttpRequest,
    form: forms.BaseForm,
    run: Callable[[dict[str, Any]], object],
    *,
    saved: Callable[[Any], dict[str, Any]] | None = None,
) -> bool:
    """On a POST with a valid form, call `run(form.cleaned_data)`. True when it ran without a
    ServiceError; otherwise the error is on the form (its field if the form has it) and False.
    A GET is never a success: nothing was asked for. `saved` turns the record an EditConflict
    carries into the form's values (its initial), so the page can show field by field what
    the other person saved."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        run(form.cleaned_data)
    except EditConflict as exc:
        current = exc.current
        show_conflict(form, exc, saved=saved(current) if saved and current is not None else None)
        return False
    except ServiceError as exc:
        add_service_error(form, exc)
        return False
    return True


def edit_values(data: dict[str, Any]) -> dict[str, Any]:
    """An edit form's cleaned values as its service's arguments: the form's fields are named as
    the service's, and the `version` the form was loaded with is the `expected_version` the
    service checks (web.locking). A form that may start a record has no version yet: 0."""
    values = dict(data)
    values["expected_version"] = values.pop("version") or 0
    return values


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    run: Callable[[dict[str, Any]], T],
    *,
    template: str,
    context: dict[str, Any],
    done: Callable[[T], HttpResponse],
    message: str | Callable[[T], str] = "",
    saved: Callable[[Any], dict[str, Any]] | None = None,
) -> HttpResponse:
    """The whole of a form view once its gates have passed: `submit` the form; when the service
    ran, say `message` (text, or made from what `run` returned) and return `done(what it
    returned)`; otherwise show `template` again with the form and `form_status`."""
    result: list[T] = []
    if submit(request, form, lambda data: result.append(run(data)), saved=saved):
        if message:
            messages.success(request, message(result[0]) if callable(message) else message)
        return done(result[0])
    return render(request, template, {**context, "form": form}, status=form_status(request, form))


def show_conflict(
    form: forms.BaseForm, conflict: EditConflict, *, saved: dict[str, Any] | None = None
) -> None:
    """Keep `form` as posted but at the version saved since, and remember the conflict. With
    `saved` (the record now, as the form's values), `form.saved_since` maps each field the
    other person saved differently to their value and `conflict.changes` lists them."""
    form.saved_since = saved_since(form, saved) if saved is not None else {}  # type: ignore[attr-defined]
    conflict.changes = [(form.fields[n].label or n, v) for n, v in form.saved_since.items()]  # type: ignore[attr-defined]
    data = form.data.copy()
    data[form.add_prefix(conflict.form_field)] = conflict.form_value
    form.data = data
    form.full_clean()
    form.conflict = conflict  # type: ignore[attr-defined]


def saved_since(form: forms.BaseForm, saved: dict[str, Any]) -> dict[str, str]:
    """The fields of a valid `form` whose value differs from `saved` (what another person
    saved, as the form's values), each with their value as people read it."""
    out = {}
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.HiddenInput):
            continue
        mine, theirs = form.cleaned_data.get(name), saved.get(name)
        if _comparable(mine) != _comparable(_as_cleaned(field, theirs)):
            out[name] = _readable(field, theirs) or "(left empty)"
    return out


def _as_cleaned(field: forms.Field, value: Any) -> Any:
    """A saved value as the field would clean it (a time "09:30" as a time), to compare."""
    try:
        return field.to_python(field.prepare_value(value))
    except (forms.ValidationError, TypeError, ValueError):
        return value


def _comparable(value: Any) -> object:
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | set | models.QuerySet):
        return sorted(str(_comparable(v)) for v in value)
    return str(value).strip()


def _readable(field: forms.Field, value: Any) -> str:
    if value is None or isinstance(value, models.Model):
        return "" if value is None else str(value)
    if isinstance(value, list | tuple | set | models.QuerySet):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        labels = {str(k): label for k, label in field.choices}
        return str(labels.get(str(value), value)).strip()
    return str(value).strip()


def add_service_error(form: forms.BaseForm, exc: ServiceError) -> None:
    """Put each refusal on its field when the form has that field, else on the whole form."""
    for field, message in (exc.errors or {exc.field: exc.message or str(exc)}).items():
        form.add_error(field if field in form.fields else None, message)


def form_status(request: HttpRequest, *page_forms: forms.BaseForm | None) -> int:
    """The status of a form page: a POST that comes back to the page did not succeed (400, or
    409 when one of `page_forms` met an edit conflict); a GET is 200."""
    if request.method != "POST":
        return 200
    return 409 if any(getattr(f, "conflict", None) for f in page_forms) else 400
