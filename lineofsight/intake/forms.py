from __future__ import annotations

from django import forms
from django.utils import timezone

from lineofsight.web.fields import UKDateField

from . import uploads


def _size(limit: int) -> str:
    gib = 1024**3
    return f"{limit / gib:g} GB" if limit >= gib else f"{limit / 1024**2:g} MB"


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a file",
        help_text="A .zip of the SSD CSV files (one file per table, named like ssd_person.csv), "
        "an Ofsted Annex A workbook (.xlsx or .xls), a children in need census return (.xml), "
        "an SSDA903 return (.xml, or a .zip of its CSV tables), or a workforce census (.xml), "
        "which is added to the current snapshot at its as-at date.",
        widget=forms.FileInput(attrs={"accept": ".zip,.xlsx,.xls,.xml"}),
        error_messages={
            "required": "Select a file to import",
            "empty": "The selected file is empty",
        },
    )
    as_at = UKDateField(
        label="As-at date (optional)",
        required=False,
        help_text="The date the data describes, for example 31/03/2026. Leave it empty to use "
        "the latest date on which something happened in the data.",
        error_messages={"invalid": "Enter the as-at date as a real date, like 31/03/2026"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        kind = uploads.source_kind_for(upload.name)
        if kind is None:
            raise forms.ValidationError(
                "The selected file must be a .zip of SSD or SSDA903 CSV files, an Annex A "
                "workbook (.xlsx or .xls), or a CIN census, SSDA903 return or workforce census "
                "(.xml)"
            )
        limit = uploads.upload_max_bytes()
        if upload.size > limit:
            raise forms.ValidationError(f"The selected file must be smaller than {_size(limit)}")
        upload.seek(0)
        if upload.name.lower().endswith(".zip"):
            try:
                uploads.csv_members(upload)
            except uploads.UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from None
        elif upload.name.lower().endswith(".xml"):
            try:
                uploads.xml_kind(upload.read(uploads.XML_SNIFF_BYTES))
            except uploads.UploadRejected as exc:
                raise forms.ValidationError(str(exc)) from None
        elif not uploads.looks_like_workbook(upload.read(8), upload.name):
            raise forms.ValidationError("The selected file is not an Excel workbook")
        upload.seek(0)
        return upload

    def clean_as_at(self):
        as_at = self.cleaned_data["as_at"]
        if as_at is not None and as_at > timezone.localdate():
            raise forms.ValidationError("The as-at date must be today or in the past")
        return as_at
