from django.urls import path

from . import views

app_name = "themes"
urlpatterns = [
    path("themes/", views.index, name="index"),
    path("themes/<str:key>/", views.detail, name="detail"),
]
