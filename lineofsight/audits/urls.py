from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.my_audits, name="my_audits"),
    path("tools/", views.tools, name="tools"),
    path("tools/<int:pk>/", views.tool_detail, name="tool_detail"),
    path("programmes/", views.programmes, name="programmes"),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/sample/", views.programme_sample, name="programme_sample"),
    path("programmes/<int:pk>/add/", views.programme_add_file, name="programme_add_file"),
    path(
        "programmes/<int:pk>/moderation/",
        views.programme_moderation,
        name="programme_moderation",
    ),
    path("programmes/<int:pk>/report/", views.programme_report, name="programme_report"),
    path(
        "programmes/<int:pk>/report.csv",
        views.programme_report_csv,
        name="programme_report_csv",
    ),
    path(
        "programmes/<int:pk>/report.xlsx",
        views.programme_report_xlsx,
        name="programme_report_xlsx",
    ),
    path(
        "programmes/<int:pk>/summary.docx",
        views.programme_report_docx,
        name="programme_report_docx",
    ),
    path("agreement/", views.agreement, name="agreement"),
    path("<int:pk>/", views.audit_detail, name="audit_detail"),
    path("<int:pk>/edit/", views.audit_edit, name="audit_edit"),
    path("<int:pk>/versions/<int:number>/", views.audit_version, name="audit_version"),
    path("<int:pk>/reopen/", views.audit_reopen, name="audit_reopen"),
    path("<int:pk>/respond/", views.audit_respond, name="audit_respond"),
    path("<int:pk>/actions/new/", views.audit_action_add, name="audit_action_add"),
    path("<int:pk>/reassign/", views.audit_reassign, name="audit_reassign"),
    path("moderation/<int:pk>/", views.moderation_detail, name="moderation_detail"),
]
