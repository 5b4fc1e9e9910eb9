from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("committee/", views.report_list, name="committee"),
    path("committee/new/", views.report_create, name="committee_create"),
    path("committee/<int:pk>/", views.report_detail, name="committee_detail"),
    path("committee/<int:pk>/docx", views.report_docx, name="committee_docx"),
    path("committee/<int:pk>/pdf", views.report_pdf, name="committee_pdf"),
    path("committee/<int:pk>/count", views.report_count, name="committee_count"),
]
