from django.urls import path

from . import views

app_name = "timeliness"
urlpatterns = [
    path("", views.rules, name="rules"),
    path("closures/add/", views.closure_add, name="closure_add"),
    path("closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
    path("recompute/", views.recompute_start, name="recompute_start"),
    path("recompute/<int:pk>/", views.recompute_detail, name="recompute_detail"),
    path("<slug:rule_id>/", views.rule_edit, name="rule_edit"),
]
