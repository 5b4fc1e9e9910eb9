from django.urls import path, re_path

from . import views

app_name = "feedback"
urlpatterns = [
    path("", views.feedback_list, name="list"),
    path("record/", views.feedback_create, name="create"),
    path("links/new/", views.link_create, name="link_create"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("thank-you/", views.thanks, name="thanks"),
    path("<int:pk>/", views.feedback_detail, name="detail"),
    path("<int:pk>/respond/", views.feedback_respond, name="respond"),
    # The public page, reached by a one-time link without signing in. Last, so that the staff
    # pages above are never taken for a token.
    re_path(r"^(?P<token>[A-Za-z0-9_-]{16,128})/$", views.public, name="public"),
]
