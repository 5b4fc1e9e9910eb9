from django.urls import path  # noqa: F401

app_name = "indicators"
urlpatterns: list = []
# --- board pages (board helper) ---
from django.urls import register_converter  # noqa: E402

from . import catalogue as _catalogue  # noqa: E402
from . import views  # noqa: E402


class _IndicatorId:
    """Only ids the catalogue has match, so /indicators/<anything else>/ is left to later
    patterns (and is a 404 if none matches)."""

    regex = "[a-z0-9_]+"

    def to_python(self, value: str) -> str:
        if value not in {i.id for i in _catalogue.catalogue()}:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_IndicatorId, "indicator")

urlpatterns += [
    path("indicators/", views.board, name="board"),
    path("indicators/targets/", views.targets, name="targets"),
    path("indicators/targets/<indicator:indicator_id>/", views.target_edit, name="target_edit"),
    path("indicators/<indicator:indicator_id>/", views.detail, name="detail"),
    path("indicators/<indicator:indicator_id>/children/", views.children, name="children"),
    path(
        "indicators/<indicator:indicator_id>/children.csv",
        views.children_export,
        name="children_export",
    ),
]
# --- end board pages ---
# --- committee report pages (report helper) ---
from . import report_views  # noqa: E402

urlpatterns += [
    path("reports/committee/", report_views.report_list, name="reports"),
    path("reports/committee/new/", report_views.report_create, name="report_create"),
    path("reports/committee/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/committee/<int:pk>/docx", report_views.report_docx, name="report_docx"),
    path("reports/committee/<int:pk>/pdf", report_views.report_pdf, name="report_pdf"),
    path("reports/committee/<int:pk>/count", report_views.report_count, name="report_count"),
]
# --- end committee report pages ---
