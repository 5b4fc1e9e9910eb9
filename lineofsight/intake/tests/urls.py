"""The project's URLs, with the intake pages included if the project does not include them yet."""

from django.urls import include, path

from lineofsight.urls import handler403, handler404, handler500
from lineofsight.urls import urlpatterns as project

_included = any(getattr(p, "app_name", None) == "intake" for p in project)
urlpatterns = (
    list(project) if _included else [*project, path("", include("lineofsight.intake.urls"))]
)

__all__ = ["urlpatterns", "handler403", "handler404", "handler500"]
