from django.urls import path

from . import views_one_to_one as views

# One-to-one supervision, under supervision/one-to-one/ (included by urls.py).
urlpatterns = [
    path("one-to-one/", views.one_to_ones, name="one_to_ones"),
    path("one-to-one/new/", views.one_to_one_create, name="one_to_one_create"),
    path("one-to-one/import/", views.one_to_one_import, name="one_to_one_import"),
    path("one-to-one/<int:pk>/", views.one_to_one, name="one_to_one"),
    path("one-to-one/<int:pk>/edit/", views.one_to_one_edit, name="one_to_one_edit"),
    path("one-to-one/teams/<int:team_id>/", views.one_to_one_team, name="one_to_one_team"),
    path("one-to-one/workers/<int:worker_id>/", views.one_to_one_worker, name="one_to_one_worker"),
    path(
        "one-to-one/workers/<int:worker_id>/profile/",
        views.one_to_one_profile,
        name="one_to_one_profile",
    ),
]
