from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.sessions, name="sessions"),
    path("new/", views.session_create, name="session_create"),
    path("nominate/", views.nominate, name="nominate"),
    path("teams/<int:team_id>/selection/", views.selection, name="selection"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/attendees/", views.session_attendees, name="attendees"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("cases/<int:pk>/actions/new/", views.case_action_create, name="action_create"),
    path("cases/<int:pk>/remove/", views.case_remove, name="case_remove"),
]

# One-to-one supervision (urls_one_to_one.py).
from .urls_one_to_one import urlpatterns as _one_to_one  # noqa: E402

urlpatterns += _one_to_one
