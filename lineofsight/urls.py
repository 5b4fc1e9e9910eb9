from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lineofsight.web.urls")),
    path("", include("lineofsight.accounts.urls")),
    path("", include("lineofsight.intake.urls")),
    path("", include("lineofsight.timeliness.urls")),
    path("", include("lineofsight.worklists.urls")),
    path("", include("lineofsight.supervision.urls")),
    path("", include("lineofsight.audits.urls")),  # case-file audits
    path("", include("lineofsight.actions.urls")),  # improvement actions
    path("", include("lineofsight.themes.urls")),  # themes and triangulation
    path("", include("lineofsight.indicators.urls")),  # indicators, board, committee report
    path("", include("lineofsight.practiceweeks.urls")),  # practice weeks
    path("", include("lineofsight.feedback.urls")),  # feedback from children and families
    path("", include("lineofsight.concerns.urls")),  # safeguarding concerns
    path("admin/", admin.site.urls),
]

handler403 = "lineofsight.web.views.permission_denied"
handler404 = "lineofsight.web.views.page_not_found"
handler500 = "lineofsight.web.views.server_error"
