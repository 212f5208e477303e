"""Installer logos and photos (public pictures in the default storage) and the site's icon.

A web server in front may serve MEDIA_URL itself; this view serves the same files from the
storage (any Django storage), only under installers/ and only as the re-encoded pictures
catalog.services.images writes."""

from pathlib import PurePosixPath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET
from django.views.generic import RedirectView

CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}


@require_GET
def installer_picture(request: HttpRequest, name: str) -> HttpResponse:
    path = PurePosixPath(name)
    if path.parts[:1] != ("installers",) or ".." in path.parts or path.suffix not in CONTENT_TYPES:
        raise Http404("No such picture.")
    try:
        picture = default_storage.open(str(path))
    except (FileNotFoundError, OSError):
        raise Http404("No such picture.") from None
    response = FileResponse(picture, content_type=CONTENT_TYPES[path.suffix])
    # Every stored name is new (a random one per upload): the picture never changes.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def favicon(request: HttpRequest) -> HttpResponse:
    return RedirectView.as_view(url=static("favicon.svg"), permanent=True)(request)
