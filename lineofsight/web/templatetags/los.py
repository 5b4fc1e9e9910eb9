"""Template helpers for GOV.UK-style forms and UK dates."""

from __future__ import annotations

from django import forms, template

register = template.Library()


@register.filter
def widget_kind(field: forms.BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def input_type(field: forms.BoundField) -> str:
    return getattr(field.field.widget, "input_type", "text") or "text"


@register.filter
def describedby(field: forms.BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.id_for_label}-hint")
    if field.errors:
        ids.append(f"{field.id_for_label}-error")
    if limit_of(field):
        ids.append(f"{field.id_for_label}-info")
    return " ".join(ids)


@register.filter
def limit_of(field: forms.BoundField) -> int | None:
    """The most characters a free-text field takes (web.fields.TextField), to say so."""
    if hasattr(field.field, "limit_hint") and not field.field.widget.is_hidden:
        return field.field.max_length
    return None


@register.filter
def widget_attrs(field: forms.BoundField) -> dict:
    # No maxlength: a limit is said in the hint and checked when the form is sent (GOV.UK
    # character count), rather than text being cut off silently as it is typed or pasted.
    skip = {"type", "class", "maxlength"}
    return {k: v for k, v in field.field.widget.attrs.items() if k not in skip}


@register.filter
def widget_attrs_items(field: forms.BoundField) -> list[tuple[str, str]]:
    return sorted(widget_attrs(field).items())
