"""The one way a form is handled (lineofsight.web.forms) and the one error summary that shows
what it leaves on a form. The optimistic lock is tested on a real row in feedback/tests."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory

from lineofsight.web.errors import EditConflict, ServiceError
from lineofsight.web.forms import form_status, submit


class NoteForm(forms.Form):
    title = forms.CharField()
    version = forms.IntegerField(required=False)


def _post(data):
    return RequestFactory().post("/", data)


def test_a_refusal_for_a_field_lands_on_that_field():
    request = _post({"title": "x", "version": 1})
    form = NoteForm(request.POST)

    def refuse(data):
        raise ServiceError("Enter a longer title", field="title")

    assert submit(request, form, refuse) is False
    assert form.errors["title"] == ["Enter a longer title"]
    assert form_status(request, form) == 400


def test_a_refusal_for_an_unknown_field_or_none_lands_on_the_whole_form():
    request = _post({"title": "x"})
    form = NoteForm(request.POST)
    submit(request, form, lambda data: (_ for _ in ()).throw(ServiceError("No", field="nope")))
    assert form.non_field_errors() == ["No"]


def test_a_refusal_about_several_fields_lands_on_each():
    request = _post({"title": "x", "version": 1})
    form = NoteForm(request.POST)
    refusal = ServiceError(errors={"title": "Enter a longer title", "version": "Too old"})
    assert str(refusal) == "Enter a longer title Too old"
    submit(request, form, lambda data: (_ for _ in ()).throw(refusal))
    assert form.errors == {"title": ["Enter a longer title"], "version": ["Too old"]}


def test_a_get_is_never_submitted_and_is_200():
    request = RequestFactory().get("/")
    ran = []
    assert submit(request, NoteForm(), ran.append) is False
    assert ran == [] and form_status(request) == 200


def test_success_runs_the_service_with_the_cleaned_data():
    request = _post({"title": " x ", "version": 3})
    ran = []
    assert submit(request, NoteForm(request.POST), ran.append) is True
    assert ran == [{"title": "x", "version": 3}]


def test_a_conflict_keeps_the_posted_values_at_the_version_saved_since():
    request = _post({"title": "mine", "version": 1})
    form = NoteForm(request.POST)

    class Row:
        version = 4

    def refuse(data):
        raise EditConflict("Someone saved it first", current=Row())

    assert submit(request, form, refuse) is False
    assert form.conflict.current.version == 4
    assert form.cleaned_data == {"title": "mine", "version": 4}
    assert form_status(request, form) == 409
    page = render_to_string("web/includes/error_summary.html", {"form": form})
    assert "Someone saved it first" in page and 'href="#what-they-saved"' in page
