from django.urls import path  # noqa: F401

app_name = "indicators"
urlpatterns: list = []
# --- board pages (board helper) ---
# --- end board pages ---
# --- committee report pages (report helper) ---
# --- end committee report pages ---
