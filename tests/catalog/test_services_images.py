"""Installer logos and photos: checked, re-encoded and resized with Pillow before storage."""

from io import BytesIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from catalog.services import provider_logo_set, provider_photo_add, provider_photo_remove
from tests.catalog.factories import ProviderFactory

pytestmark = pytest.mark.django_db


def picture(size=(2400, 1600), format="JPEG", mode="RGB") -> bytes:
    buffer = BytesIO()
    image = Image.new(mode, size, "orange")
    if format == "JPEG":
        exif = Image.Exif()
        exif[0x010F] = "Camera maker with a secret"
        image.save(buffer, format=format, exif=exif)
    else:
        image.save(buffer, format=format)
    return buffer.getvalue()


def test_a_photo_is_re_encoded_resized_and_thumbnailed(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path)
    provider = ProviderFactory()

    photo = provider_photo_add(provider=provider, data=picture(), caption="A roof in Oakland")

    with Image.open(photo.image.open()) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 1600
        assert not stored.getexif()
    with Image.open(photo.thumbnail.open()) as thumbnail:
        assert thumbnail.size == (480, 320)
    names = [photo.image.path, photo.thumbnail.path]
    with django_capture_on_commit_callbacks(execute=True):
        provider_photo_remove(photo=photo)
    assert provider.photos.count() == 0
    assert not any(Path(name).exists() for name in names)


def test_a_logo_keeps_its_transparency(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    provider = ProviderFactory()

    provider_logo_set(provider=provider, data=picture((800, 800), "PNG", "RGBA"))

    with Image.open(provider.logo.open()) as logo:
        assert logo.format == "PNG" and logo.mode == "RGBA" and logo.size == (320, 320)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"%PDF-1.7 not a picture", "not a picture"),
        (picture((10, 10), "BMP"), "JPEG, PNG, WebP or GIF"),
        (picture((6000, 5000)), "too many pixels"),
    ],
)
def test_what_is_not_an_accepted_picture_is_refused(settings, data, error):
    settings.CATALOG_IMAGE_MAX_PIXELS = 25_000_000
    with pytest.raises(ValidationError, match=error):
        provider_photo_add(provider=ProviderFactory(), data=data)


def test_a_picture_too_large_in_bytes_is_refused(settings):
    settings.CATALOG_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        provider_logo_set(provider=ProviderFactory(), data=picture())
