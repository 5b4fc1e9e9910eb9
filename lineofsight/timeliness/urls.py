from django.urls import path

from . import views

app_name = "timeliness"
urlpatterns = [
    path("timescales/", views.rules, name="rules"),
    path("timescales/closures/add/", views.closure_add, name="closure_add"),
    path("timescales/closures/<int:pk>/remove/", views.closure_remove, name="closure_remove"),
    path("timescales/recompute/", views.recompute_start, name="recompute_start"),
    path("timescales/recompute/<int:pk>/", views.recompute_detail, name="recompute_detail"),
    path("timescales/<slug:rule_id>/", views.rule_edit, name="rule_edit"),
]
