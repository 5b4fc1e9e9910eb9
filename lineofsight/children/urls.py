from django.urls import path

from . import views

app_name = "children"
urlpatterns = [
    path("<str:person_id>/", views.chronology, name="chronology"),
]
