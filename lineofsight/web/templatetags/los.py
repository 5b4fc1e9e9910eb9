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


@register.simple_tag(takes_context=True)
def page_forms(context) -> list[forms.BaseForm]:
    """{% page_forms as found %}: the page's forms as one list, for the error summary (a page
    passes `form`, or `forms`, a list of several, or both)."""
    form, others = context.get("form"), context.get("forms") or ()
    found = [form] if isinstance(form, forms.BaseForm) else []
    return found + [f for f in others if isinstance(f, forms.BaseForm)]


@register.simple_tag(takes_context=True)
def page_conflict(context) -> object:
    """{% page_conflict as found %}: the edit conflict the page shows: `conflict` if given,
    else the one `lineofsight.web.forms.submit` left on a form."""
    if context.get("conflict"):
        return context["conflict"]
    for form in page_forms(context):
        if getattr(form, "conflict", None):
            return form.conflict
    return None


@register.filter
def saved_since(field: forms.BoundField) -> str:
    """After an edit conflict, what the other person saved in this field where it differs from
    this person's value (web.forms.show_conflict), else ""."""
    return getattr(field.form, "saved_since", {}).get(field.name, "")


@register.filter
def have_errors(found: list[forms.BaseForm]) -> bool:
    return any(f.errors for f in found)


@register.filter
def beside(evidence: dict | None, section_key: str) -> list:
    """The evidence items (web.evidence.for_audit) shown beside one tool section."""
    return (evidence or {}).get(section_key, [])
