from django.urls import include, path

from . import views

app_name = "practiceweeks"

# One observation's pages, under its address.
observation_pages = [
    path("", views.observation_detail, name="observation_detail"),
    path("submit/", views.observation_submit, name="observation_submit"),
    path("reopen/", views.observation_reopen, name="observation_reopen"),
    path("versions/<int:number>/", views.observation_version, name="observation_version"),
    path("themes/", views.observation_themes, name="observation_themes"),
]
urlpatterns = [
    path("", views.weeks, name="weeks"),
    path("new/", views.week_create, name="week_create"),
    path("<int:pk>/", views.week_detail, name="week_detail"),
    path("<int:pk>/edit/", views.week_edit, name="week_edit"),
    path("<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("<int:pk>/analysis/", views.analysis, name="analysis"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.docx", views.report_docx, name="report_docx"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/consent/", views.consent, name="consent"),
    path("visits/<int:pk>/observation/", views.observation_edit, name="observation_edit"),
    path("observations/<int:pk>/", include(observation_pages)),
]
