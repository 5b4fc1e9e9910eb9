from django.urls import path, re_path

from . import views
from . import views_healthcheck as hc

app_name = "feedback"
urlpatterns = [
    path("", views.feedback_list, name="list"),
    path("record/", views.feedback_create, name="create"),
    path("links/new/", views.link_create, name="link_create"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("thank-you/", views.thanks, name="thanks"),
    # The staff health check (views_healthcheck).
    path("health-check/", hc.healthcheck_list, name="healthcheck_list"),
    path("health-check/new/", hc.healthcheck_create, name="healthcheck_create"),
    path("health-check/thank-you/", hc.healthcheck_thanks, name="healthcheck_thanks"),
    path("health-check/<int:pk>/", hc.healthcheck_detail, name="healthcheck_detail"),
    path("health-check/<int:pk>/send/", hc.healthcheck_send, name="healthcheck_send"),
    path("health-check/<int:pk>/close/", hc.healthcheck_close, name="healthcheck_close"),
    path("health-check/<int:pk>/results/", hc.healthcheck_results, name="healthcheck_results"),
    path(
        "health-check/<int:pk>/results.csv",
        hc.healthcheck_results_csv,
        name="healthcheck_results_csv",
    ),
    re_path(
        r"^health-check/answer/(?P<token>[A-Za-z0-9_-]{16,128})/$",
        hc.healthcheck_public,
        name="healthcheck_public",
    ),
    path("<int:pk>/", views.feedback_detail, name="detail"),
    path("<int:pk>/respond/", views.feedback_respond, name="respond"),
    # The public page, reached by a one-time link without signing in. Last, so that the staff
    # pages above are never taken for a token.
    re_path(r"^(?P<token>[A-Za-z0-9_-]{16,128})/$", views.public, name="public"),
]
