from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("", views.index, name="index"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("standard/<slug:key>/", views.detail, name="detail"),
]
