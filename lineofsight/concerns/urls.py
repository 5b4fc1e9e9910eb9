from django.urls import path

from . import views

app_name = "concerns"
urlpatterns = [
    path("concerns/", views.concern_list, name="list"),
    path("concerns/<int:pk>/", views.concern_detail, name="detail"),
    path(
        "concerns/raise/<slug:source_type>/<str:source_id>/",
        views.concern_raise,
        name="raise",
    ),
]
