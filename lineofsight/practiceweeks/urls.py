from django.urls import path

from . import views

app_name = "practiceweeks"
urlpatterns = [
    path("practice-weeks/", views.weeks, name="weeks"),
    path("practice-weeks/new/", views.week_create, name="week_create"),
    path("practice-weeks/<int:pk>/", views.week_detail, name="week_detail"),
    path("practice-weeks/<int:pk>/edit/", views.week_edit, name="week_edit"),
    path("practice-weeks/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("practice-weeks/<int:pk>/analysis/", views.analysis, name="analysis"),
    path("practice-weeks/<int:pk>/report/", views.report, name="report"),
    path("practice-weeks/<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("practice-weeks/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("practice-weeks/visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("practice-weeks/visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("practice-weeks/visits/<int:pk>/consent/", views.consent, name="consent"),
    path(
        "practice-weeks/visits/<int:pk>/observation/",
        views.observation_edit,
        name="observation_edit",
    ),
    path(
        "practice-weeks/observations/<int:pk>/",
        views.observation_detail,
        name="observation_detail",
    ),
    path(
        "practice-weeks/observations/<int:pk>/submit/",
        views.observation_submit,
        name="observation_submit",
    ),
    path(
        "practice-weeks/observations/<int:pk>/reopen/",
        views.observation_reopen,
        name="observation_reopen",
    ),
    path(
        "practice-weeks/observations/<int:pk>/versions/<int:number>/",
        views.observation_version,
        name="observation_version",
    ),
    path(
        "practice-weeks/observations/<int:pk>/themes/",
        views.observation_themes,
        name="observation_themes",
    ),
]
