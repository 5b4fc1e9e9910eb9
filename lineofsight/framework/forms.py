"""The forms of the framework's editing pages. They check only what a person typed; the services
judge the framework as a whole (content.parse, links.problems) and say where a problem is.

One item form serves every part: key, title and summary for all; standards also say what good
looks like and which golden threads and principles they serve; standards and measures say what
tests them, a set of tick boxes for each kind of link with a short list of things, a box of
ids one a line for a long one (audit questions, where a tool or a section may be named)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import slugify

from lineofsight.web.fields import TextField, checkboxes, optional_date, text_box

from . import links
from .content import KEY, PART, Framework, Item

# A kind of link with more things than this is typed one a line rather than ticked.
MOST_TICK_BOXES = 40
# How many existing ids the hint under a box of ids shows.
HINT_EXAMPLES = 6


class VersionedForm(forms.Form):
    # The version of the draft the form was loaded with (web.locking).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class HeaderForm(VersionedForm):
    name = TextField(
        label="Name of the framework",
        max_length=200,
        error_messages={"required": "Enter the name of the framework"},
    )
    vision = text_box(
        "Vision",
        max_length=2000,
        help_text="What the council wants for children, in a sentence or two",
    )
    launch_date = optional_date(
        "Date the framework was launched (optional)",
        called="launch date",
        example="01/04/2025",
        help_text="Trends on the framework pages start here. For example, 01/04/2025",
    )


class PublishForm(VersionedForm):
    note = text_box(
        "What changed in this version",
        "Say what changed in this version",
        max_length=2000,
        help_text="Everyone reading the list of versions sees this",
    )


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def link_field_name(kind_key: str) -> str:
    return f"links_{kind_key}"


def _ticked(kind: links.LinkKind, known: dict[str, str]) -> bool:
    return kind.accepts is None and len(known) <= MOST_TICK_BOXES


class ItemForm(VersionedForm):
    title = TextField(label="Title", max_length=300, error_messages={"required": "Enter a title"})
    key = TextField(
        label="Key",
        max_length=60,
        required=False,
        help_text=(
            "Lower-case letters and digits with hyphens, for example child-first. Pages and "
            "downloads name the item by it. Leave empty to make one from the title"
        ),
    )
    summary = text_box("Summary", max_length=2000, help_text="One or two sentences")

    def __init__(self, *args, part: str, framework: Framework, current: Item | None, **kwargs):
        self.part = PART[part]
        self.link_kinds: list[links.LinkKind] = []
        if current is not None and "initial" in kwargs:
            kwargs["initial"] = {**item_values(current), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        if part == "standards":
            self.fields["good_looks_like"] = text_box(
                "What good looks like",
                max_length=4000,
                help_text="One point a line",
            )
            for name in ("golden_threads", "principles"):
                named = getattr(current, name) if current else ()
                choices = [(i.key, i.title) for i in framework.items(name)]
                known = {k for k, _ in choices}
                choices += [(k, f"{k} (not in this draft)") for k in named if k not in known]
                self.fields[name] = checkboxes(f"{PART[name].title} it serves", choices=choices)
        if part in ("standards", "measures"):
            self._add_link_fields(current)

    def _add_link_fields(self, current: Item | None) -> None:
        for kind in links.kinds():
            known = dict(kind.known())
            name = link_field_name(kind.key)
            linked = current.linked(kind.key) if current else ()
            if _ticked(kind, known):
                choices = list(known.items())
                choices += [(k, f"{k} (does not exist)") for k in linked if k not in known]
                self.fields[name] = checkboxes(kind.label, choices=choices)
            else:
                examples = ", ".join(list(known)[:HINT_EXAMPLES])
                self.fields[name] = text_box(
                    kind.label,
                    max_length=4000,
                    help_text=(
                        f"One a line. {len(known)} exist, for example {examples}. "
                        "The list of what exists is below the form"
                    ),
                )
            self.link_kinds.append(kind)

    def link_fields(self) -> list[forms.BoundField]:
        return [self[link_field_name(k.key)] for k in self.link_kinds]

    def typed_link_kinds(self) -> list[tuple[links.LinkKind, dict[str, str]]]:
        """The kinds typed one a line, with everything that exists, for the list under the
        form."""
        out = []
        for kind in self.link_kinds:
            if isinstance(self.fields[link_field_name(kind.key)], forms.CharField):
                out.append((kind, dict(kind.known())))
        return out

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].strip()
        if not key:
            key = slugify(self.cleaned_data.get("title") or "")[:60].strip("-")
            if not key:
                raise forms.ValidationError("Enter a key")
        if not KEY.fullmatch(key):
            raise forms.ValidationError(
                "Enter a key of lower-case letters and digits, with hyphens between words"
            )
        return key

    def values(self) -> dict[str, Any]:
        """The item as the service takes it (content.Item.as_data())."""
        data = self.cleaned_data
        values: dict[str, Any] = {
            "key": data["key"],
            "title": data["title"],
            "summary": data.get("summary", ""),
        }
        if "good_looks_like" in self.fields:
            values["good_looks_like"] = _lines(data.get("good_looks_like", ""))
            values["golden_threads"] = list(data.get("golden_threads") or ())
            values["principles"] = list(data.get("principles") or ())
        item_links = {}
        for kind in self.link_kinds:
            raw = data.get(link_field_name(kind.key))
            ids = _lines(raw) if isinstance(raw, str) else list(raw or ())
            if ids:
                item_links[kind.key] = ids
        if item_links:
            values["links"] = item_links
        return {k: v for k, v in values.items() if v or k in ("key", "title")}


def item_values(item: Item | None) -> dict[str, Any]:
    """An item as the item form's values (for its initial, and for what another person saved)."""
    if item is None:
        return {}
    values: dict[str, Any] = {
        "key": item.key,
        "title": item.title,
        "summary": item.summary,
        "good_looks_like": "\n".join(item.good_looks_like),
        "golden_threads": list(item.golden_threads),
        "principles": list(item.principles),
    }
    for kind_key, ids in item.links.items():
        found = links.kind(kind_key)
        typed = found is None or not _ticked(found, dict(found.known()))
        values[link_field_name(kind_key)] = "\n".join(ids) if typed else list(ids)
    return values
