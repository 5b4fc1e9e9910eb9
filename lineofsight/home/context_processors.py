from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import service_navigation


def navigation(request: HttpRequest) -> dict:
    """The service navigation bar in web/base.html (`nav_items`), worked out only when a page
    shows it, so fragments and error pages pay nothing for it."""
    user = getattr(request, "user", None)
    if user is None:
        return {"nav_items": []}
    return {"nav_items": SimpleLazyObject(lambda: service_navigation(user, request.path))}
