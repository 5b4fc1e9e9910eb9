from . import views_edit, views_read

app_name = "framework"
urlpatterns = [
    *views_read.urlpatterns,
    *views_edit.urlpatterns,
]
