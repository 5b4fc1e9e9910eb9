from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("health/", views.health, name="health"),
    path("council.css", views.council_css, name="council_css"),
]
