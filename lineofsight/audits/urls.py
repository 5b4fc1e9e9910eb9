from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("audits/", views.my_audits, name="my_audits"),
    path("audits/tools/", views.tools, name="tools"),
    path("audits/tools/<int:pk>/", views.tool_detail, name="tool_detail"),
    path("audits/programmes/", views.programmes, name="programmes"),
    path("audits/programmes/new/", views.programme_create, name="programme_create"),
    path("audits/programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("audits/programmes/<int:pk>/sample/", views.programme_sample, name="programme_sample"),
    path("audits/programmes/<int:pk>/add/", views.programme_add_file, name="programme_add_file"),
    path(
        "audits/programmes/<int:pk>/moderation/",
        views.programme_moderation,
        name="programme_moderation",
    ),
    path("audits/programmes/<int:pk>/report/", views.programme_report, name="programme_report"),
    path(
        "audits/programmes/<int:pk>/report.csv",
        views.programme_report_csv,
        name="programme_report_csv",
    ),
    path(
        "audits/programmes/<int:pk>/report.xlsx",
        views.programme_report_xlsx,
        name="programme_report_xlsx",
    ),
    path(
        "audits/programmes/<int:pk>/summary.docx",
        views.programme_report_docx,
        name="programme_report_docx",
    ),
    path("audits/agreement/", views.agreement, name="agreement"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("audits/<int:pk>/versions/<int:number>/", views.audit_version, name="audit_version"),
    path("audits/<int:pk>/reopen/", views.audit_reopen, name="audit_reopen"),
    path("audits/<int:pk>/respond/", views.audit_respond, name="audit_respond"),
    path("audits/<int:pk>/actions/new/", views.audit_action_add, name="audit_action_add"),
    path("audits/<int:pk>/reassign/", views.audit_reassign, name="audit_reassign"),
    path("audits/moderation/<int:pk>/", views.moderation_detail, name="moderation_detail"),
]
