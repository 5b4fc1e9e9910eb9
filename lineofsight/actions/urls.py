from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("", views.action_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("new/", views.raise_action, name="raise"),
    path("board/", views.board, name="board"),
    path("plan/<slug:source_type>/<str:source_id>/", views.plan, name="plan"),
    path("plan/<slug:source_type>/<str:source_id>/actions.csv", views.plan_csv, name="plan_csv"),
]
