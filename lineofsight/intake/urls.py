from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:pk>/", views.import_detail, name="import_detail"),
    path("<int:pk>/report.csv", views.import_report, name="import_report"),
    path("<int:pk>/publish/", views.import_publish, name="import_publish"),
    path("<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("snapshots/", views.snapshots, name="snapshots"),
    path(
        "snapshots/<int:pk>/make-current/",
        views.snapshot_make_current,
        name="snapshot_make_current",
    ),
]
