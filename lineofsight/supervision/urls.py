from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.sessions, name="sessions"),
    path("supervision/new/", views.session_create, name="session_create"),
    path("supervision/nominate/", views.nominate, name="nominate"),
    path("supervision/teams/<int:team_id>/selection/", views.selection, name="selection"),
    path("supervision/evaluation/", views.evaluation, name="evaluation"),
    path("supervision/sessions/<int:pk>/", views.session, name="session"),
    path("supervision/sessions/<int:pk>/attendees/", views.session_attendees, name="attendees"),
    path("supervision/cases/<int:pk>/", views.case, name="case"),
    path("supervision/cases/<int:pk>/actions/new/", views.case_action_create, name="action_create"),
    path("supervision/cases/<int:pk>/remove/", views.case_remove, name="case_remove"),
]
