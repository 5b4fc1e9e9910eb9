"""The recording pages, under /recording/: checking one's writing, one's own notes, the quality
of recording per team and worker, one note with its findings, and the council's rules."""

from __future__ import annotations

from django.urls import include, path

from . import views_notes, views_pages, views_rules

app_name = "recording"

# The council's rules, under rules/.
rules_pages = [
    path("", views_rules.rules, name="rules"),
    path("switch/", views_rules.rules_switch, name="rules_switch"),
    path("terms/add/", views_rules.rules_term, name="rules_term_add"),
    path("terms/<int:position>/", views_rules.rules_term, name="rules_term_edit"),
    path("terms/<int:position>/remove/", views_rules.rules_term_remove, name="rules_term_remove"),
    path("acronyms/", views_rules.rules_acronyms, name="rules_acronyms"),
]
urlpatterns = [
    path("check/", views_pages.check, name="check"),
    path("check/live/", views_pages.check_live, name="check_live"),
    path("mine/", views_pages.my_notes, name="mine"),
    path("quality/", views_pages.quality, name="quality"),
    path("quality/csv/", views_pages.quality_csv, name="quality_csv"),
    path("notes/<str:note_id>/", views_notes.note, name="note"),
    path("rules/", include(rules_pages)),
]
