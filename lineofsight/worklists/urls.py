from django.urls import path

from . import views

app_name = "worklists"
urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("service/", views.service, name="service"),
    path("team/<int:team_id>/", views.team, name="team"),
    path("team/<int:team_id>/export.csv", views.team_export, name="team_export"),
]
