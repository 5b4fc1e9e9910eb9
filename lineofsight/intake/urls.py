from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/report.csv", views.import_report, name="import_report"),
    path("imports/<int:pk>/publish/", views.import_publish, name="import_publish"),
    path("imports/<int:pk>/discard/", views.import_discard, name="import_discard"),
    path("imports/snapshots/", views.snapshots, name="snapshots"),
    path(
        "imports/snapshots/<int:pk>/make-current/",
        views.snapshot_make_current,
        name="snapshot_make_current",
    ),
]
