"""The site's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: database password is hunter2")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("internal reason")


def bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest("internal parse detail")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/bad/", bad),
    *site_urlpatterns,
]
