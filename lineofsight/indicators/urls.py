from django.urls import path, register_converter

from . import catalogue, views

app_name = "indicators"


class _IndicatorId:
    """Only ids the catalogue has match, so /indicators/<anything else>/ is left to later
    patterns (and is a 404 if none matches)."""

    regex = "[a-z0-9_]+"

    def to_python(self, value: str) -> str:
        if value not in {i.id for i in catalogue.catalogue()}:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_IndicatorId, "indicator")

urlpatterns = [
    path("", views.board, name="board"),
    path("targets/", views.targets, name="targets"),
    path("targets/<indicator:indicator_id>/", views.target_edit, name="target_edit"),
    path("<indicator:indicator_id>/", views.detail, name="detail"),
    path("<indicator:indicator_id>/children/", views.children, name="children"),
    path("<indicator:indicator_id>/children.csv", views.children_export, name="children_export"),
]
