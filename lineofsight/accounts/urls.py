from django.urls import path

from . import views, views_oidc, views_password, views_second_factor, views_sessions

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views_second_factor.second_factor_code, name="second_factor_code"),
    path("sign-in/set-up/", views_second_factor.second_factor_setup, name="second_factor_setup"),
    path("sign-in/cancel/", views_second_factor.sign_in_cancel, name="sign_in_cancel"),
    # The council's single sign-on (Microsoft Entra ID): 404 unless configured.
    path("sign-in/council/", views_oidc.council_sign_in, name="council_sign_in"),
    path(
        "sign-in/council/callback/",
        views_oidc.council_sign_in_callback,
        name="council_sign_in_callback",
    ),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("second-factor/", views_second_factor.second_factor, name="second_factor"),
    path("password/", views_password.password_change, name="password_change"),
    path("sessions/", views_sessions.sessions, name="sessions"),
    path("sessions/end-others/", views_sessions.sessions_end_others, name="sessions_end_others"),
    path("sessions/<int:pk>/end/", views_sessions.session_end, name="session_end"),
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
