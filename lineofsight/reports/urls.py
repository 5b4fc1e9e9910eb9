from django.urls import path

from . import views, views_export, views_selfevaluation

app_name = "reports"
urlpatterns = [
    path("committee/", views.report_list, name="committee"),
    path("committee/new/", views.report_create, name="committee_create"),
    path("committee/<int:pk>/", views.report_detail, name="committee_detail"),
    # The downloads, prepared by the worker (views_export.py).
    path("committee/<int:pk>/docx", views_export.report_docx, name="committee_docx"),
    path("committee/<int:pk>/pdf", views_export.report_pdf, name="committee_pdf"),
    path("committee/download/<int:pk>/", views_export.committee_export, name="committee_export"),
    path(
        "committee/download/<int:pk>/file",
        views_export.committee_export_file,
        name="committee_export_file",
    ),
    path("committee/<int:pk>/count", views.report_count, name="committee_count"),
    # The yearly self-evaluation (views_selfevaluation.py).
    path("self-evaluation/", views_selfevaluation.selfevaluation_list, name="selfevaluation"),
    path(
        "self-evaluation/new/",
        views_selfevaluation.selfevaluation_create,
        name="selfevaluation_create",
    ),
    path(
        "self-evaluation/<int:pk>/",
        views_selfevaluation.selfevaluation_detail,
        name="selfevaluation_detail",
    ),
    path(
        "self-evaluation/<int:pk>/area/<slug:area>/",
        views_selfevaluation.selfevaluation_area,
        name="selfevaluation_area",
    ),
    path(
        "self-evaluation/<int:pk>/sign-off",
        views_selfevaluation.selfevaluation_sign_off,
        name="selfevaluation_sign_off",
    ),
    path(
        "self-evaluation/<int:pk>/new-version",
        views_selfevaluation.selfevaluation_new_version,
        name="selfevaluation_new_version",
    ),
    path(
        "self-evaluation/<int:pk>/docx",
        views_selfevaluation.selfevaluation_docx,
        name="selfevaluation_docx",
    ),
    path(
        "self-evaluation/<int:pk>/pdf",
        views_selfevaluation.selfevaluation_pdf,
        name="selfevaluation_pdf",
    ),
]
