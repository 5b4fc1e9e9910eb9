from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("lineofsight.web.urls")),
    path("", include("lineofsight.accounts.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "lineofsight.web.views.permission_denied"
handler404 = "lineofsight.web.views.page_not_found"
handler500 = "lineofsight.web.views.server_error"
