from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "lineofsight.children"
    label = "children"
    verbose_name = "Children: chronology and case reads"
