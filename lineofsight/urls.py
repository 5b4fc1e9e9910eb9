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
    path("admin/", admin.site.urls),
]

handler403 = "lineofsight.web.views.permission_denied"
handler404 = "lineofsight.web.views.page_not_found"
handler500 = "lineofsight.web.views.server_error"
