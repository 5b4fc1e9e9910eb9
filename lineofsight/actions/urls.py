from django.urls import path

from . import views

app_name = "actions"
urlpatterns = [
    path("actions/mine/", views.mine, name="mine"),
    path("actions/", views.action_list, name="list"),
    path("actions/<int:pk>/", views.detail, name="detail"),
    path("actions/new/", views.raise_action, name="raise"),
    path("actions/board/", views.board, name="board"),
    path(
        "actions/plan/<slug:source_type>/<str:source_id>/",
        views.plan,
        name="plan",
    ),
    path(
        "actions/plan/<slug:source_type>/<str:source_id>/actions.csv",
        views.plan_csv,
        name="plan_csv",
    ),
]
