from django.urls import path

from . import views

app_name = "concerns"
urlpatterns = [
    path("", views.concern_list, name="list"),
    path("<int:pk>/", views.concern_detail, name="detail"),
    path("raise/<slug:source_type>/<str:source_id>/", views.concern_raise, name="raise"),
]
