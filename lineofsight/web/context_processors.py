from django.conf import settings
from django.http import HttpRequest


def council(request: HttpRequest) -> dict:
    return {
        "council_name": settings.COUNCIL_NAME,
        "council_colour": settings.COUNCIL_COLOUR,
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    }
