from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/export.csv", views.access_log_export, name="access_log_export"),
    path("people/grants/", views.role_grants, name="role_grants"),
    path("people/grants/<int:pk>/", views.role_grant_detail, name="role_grant_detail"),
]
