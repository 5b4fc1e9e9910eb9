from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("actions/mine/", views.mine, name="mine"),
    path("actions/", views.action_list, name="list"),
    path("actions/<int:pk>/", views.detail, name="detail"),
]
