from django.urls import path

from . import views, views_second_factor

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views_second_factor.second_factor_code, name="second_factor_code"),
    path("sign-in/set-up/", views_second_factor.second_factor_setup, name="second_factor_setup"),
    path("sign-in/cancel/", views_second_factor.sign_in_cancel, name="sign_in_cancel"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("second-factor/", views_second_factor.second_factor, name="second_factor"),
    path("access-log/", views.access_log, name="access_log"),
    path("access-log/export.csv", views.access_log_export, name="access_log_export"),
    path("people/grants/", views.role_grants, name="role_grants"),
    path("people/grants/<int:pk>/", views.role_grant_detail, name="role_grant_detail"),
    path(
        "people/<int:pk>/second-factor/reset/",
        views_second_factor.second_factor_reset_page,
        name="second_factor_reset",
    ),
]
