"""What is typed is recorded right: every free-text field in every form is cleaned of control
characters and has a limit it states; dates are typed the UK way and shown back as typed; and
no stored control character can stop a Word, PDF or Excel download."""

from __future__ import annotations

import datetime
import importlib
import importlib.util
import inspect
import io
import pkgutil

import openpyxl
import pytest
from django import forms
from django.template.loader import render_to_string

import lineofsight
from lineofsight.audits.forms import AuditForm, ModerationGradeForm
from lineofsight.practiceweeks.forms import ObservationForm
from lineofsight.web import documents
from lineofsight.web.fields import (
    LONG_TEXT,
    CleanTextMixin,
    TextField,
    UKDateField,
    clean_text,
)
from lineofsight.web.spreadsheet import safe_cell

BELL_TEXT = "Mum said\x07 the visit\x0bwent well\x0c\x00\x1b and \x7fso did I.\tTab\r\nkept"

# Text fields that are not free text: a password is never cleaned or limited in the hint, and a
# timescale is a number typed into a text box (checked by the timescale rules).
NOT_FREE_TEXT = {
    ("SignInForm", "password"),
    ("TimescaleValueForm", "value"),
    # The words of a recording finding, sent back exactly as the checker found them in a note
    # so that the dismissal names that finding; nobody types them.
    ("DismissForm", "text"),
}


def test_control_characters_are_removed_and_line_breaks_kept():
    assert clean_text(BELL_TEXT) == "Mum said the visit\nwent well\n and so did I.\tTab\r\nkept"
    assert clean_text("") == ""


def test_a_text_field_cleans_on_input_and_enforces_its_limit():
    class Form(forms.Form):
        note = TextField(label="Your note", max_length=20, widget=forms.Textarea)

    form = Form({"note": "Bell\x07 here\x0bthere"})
    assert form.is_valid()
    assert form.cleaned_data["note"] == "Bell here\nthere"

    form = Form({"note": "x" * 21})
    assert not form.is_valid()
    assert form.errors["note"] == ["Your note must be 20 characters or fewer"]


def test_a_text_field_has_a_limit_even_when_none_is_given():
    assert TextField(label="Anything").max_length == LONG_TEXT


def _form_classes() -> list[type[forms.Form]]:
    found = []
    for info in pkgutil.iter_modules(lineofsight.__path__):
        name = f"lineofsight.{info.name}.forms"
        if not info.ispkg or importlib.util.find_spec(name) is None:
            continue  # an app without forms; a forms module that fails to import fails here
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                found.append(obj)
    return found


def test_every_text_field_of_every_form_is_cleaned_and_limited():
    forms_seen = _form_classes()
    assert len(forms_seen) > 20  # the scan really found the product's forms
    problems = []
    for form_class in forms_seen:
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField) or isinstance(field, forms.EmailField):
                continue
            if (form_class.__name__, name) in NOT_FREE_TEXT:
                continue
            if not isinstance(field, CleanTextMixin):
                problems.append(f"{form_class.__module__}.{form_class.__name__}.{name} not cleaned")
            elif not field.max_length:
                problems.append(f"{form_class.__module__}.{form_class.__name__}.{name} no limit")
    assert problems == []


def test_fields_made_as_a_form_is_built_are_cleaned_and_limited_too(council):
    """The audit form and observation form build their fields from the tool and the headings."""
    observation = ObservationForm()
    texts = [f for f in observation.fields.values() if isinstance(f, forms.CharField)]
    assert len(texts) > 8
    assert all(isinstance(f, CleanTextMixin) and f.max_length for f in texts)

    grade = ModerationGradeForm(structure=[])
    assert isinstance(grade.fields["rationale"], CleanTextMixin)
    assert grade.fields["rationale"].max_length
    assert AuditForm  # its evidence and notes come from the same helper (audits.forms._text)


def test_every_text_box_says_its_limit(council):
    class Form(forms.Form):
        summary = TextField(label="Summary", max_length=300)
        story = TextField(label="Story", max_length=4000, widget=forms.Textarea, help_text="Tell")

    form = Form()
    one_line = render_to_string("web/includes/field.html", {"field": form["summary"]})
    assert "You can enter up to 300 characters" in one_line
    assert 'aria-describedby="id_summary-info"' in one_line
    assert "maxlength" not in one_line  # the limit is checked when sent, not cut off as typed
    box = render_to_string("web/includes/field.html", {"field": form["story"]})
    assert "You can enter up to 4,000 characters" in box
    assert 'data-module="govuk-character-count"' in box and 'data-maxlength="4000"' in box
    assert 'aria-describedby="id_story-hint id_story-info"' in box


def test_a_uk_date_is_shown_back_exactly_as_typed_when_it_is_not_a_date():
    class Form(forms.Form):
        due = UKDateField(label="Due date")

    form = Form({"due": "31/02/2026"})
    assert not form.is_valid()
    html = render_to_string("web/includes/field.html", {"field": form["due"]})
    assert 'value="31/02/2026"' in html
    assert "Enter a real date" in html
    # From the record, a date is shown the UK way, not as 2026-03-27.
    shown = render_to_string(
        "web/includes/field.html",
        {"field": Form(initial={"due": datetime.date(2026, 3, 27)})["due"]},
    )
    assert 'value="27/03/2026"' in shown


def test_no_form_uses_a_browser_date_picker_or_a_plain_date_field():
    problems = []
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, UKDateField):
                problems.append(f"{form_class.__name__}.{name}")
            if getattr(field.widget, "input_type", "") == "date":
                problems.append(f"{form_class.__name__}.{name} (type=date)")
    assert problems == []


# -- downloads with text saved before it was cleaned --------------------------------------------


def _dirty_report() -> documents.Report:
    return documents.Report(
        title="Practice week\x07 report",
        subtitle="Spring\x0b2026",
        produced_at=datetime.date(2026, 3, 27),
        blocks=[
            documents.Heading("Voice\x07 of the child"),
            documents.Paragraph(BELL_TEXT),
            documents.Bullets(("One\x07", "Two\x0c")),
            documents.Table(header=("Team\x07", "Said"), rows=(("East", BELL_TEXT),)),
            documents.AuthorSection("Summary\x07", "Write\x07 here", text=BELL_TEXT),
        ],
    )


def test_a_word_report_with_a_bell_in_saved_text_is_a_valid_document():
    data = documents.render_docx(_dirty_report())
    text = documents.docx_text(data)  # raises if the package is not a valid document
    assert "Mum said the visit" in text
    assert "\x07" not in text and "\x0c" not in text


def test_a_pdf_report_with_a_bell_in_saved_text_is_made():
    data = documents.render_pdf(_dirty_report())
    assert data.startswith(b"%PDF")


def test_an_excel_cell_with_a_bell_is_written():
    book = openpyxl.Workbook()
    book.active.append([safe_cell(BELL_TEXT), safe_cell("=1+1\x07")])
    out = io.BytesIO()
    book.save(out)  # openpyxl refuses control characters: this would raise
    row = next(
        openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows(values_only=True)
    )
    assert row[0].startswith("Mum said the visit") and row[1] == "'=1+1"


@pytest.mark.parametrize("value", ["\x07", "a\x00b"])
def test_clean_text_leaves_no_control_character(value):
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in clean_text(value))
