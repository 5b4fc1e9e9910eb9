"""The service navigation bar in web/base.html: `{% service_navigation as nav_items %}`."""

from __future__ import annotations

from django import template

from lineofsight.web.navigation import NavItem
from lineofsight.web.navigation import service_navigation as _service_navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def service_navigation(context: template.Context) -> list[NavItem]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None:
        return []
    return _service_navigation(user, request.path)
