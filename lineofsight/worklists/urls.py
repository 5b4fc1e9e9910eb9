from django.urls import path

from . import views

app_name = "worklists"
urlpatterns = [
    path("worklists/", views.index, name="index"),
    path("worklists/mine/", views.mine, name="mine"),
    path("worklists/service/", views.service, name="service"),
    path("worklists/team/<int:team_id>/", views.team, name="team"),
    path("worklists/team/<int:team_id>/export.csv", views.team_export, name="team_export"),
    path("children/<str:person_id>/", views.chronology, name="chronology"),
]
