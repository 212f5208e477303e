"""This app's installer workspace pages (namespace "workspace", see config/workspace_urls.py)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
