"""Installer logos and photos. Nothing is stored as uploaded: each picture is checked with Pillow
(its kind, bytes and pixels before it is decoded), turned upright, re-encoded (which drops any
metadata) and resized; a photo also gets a thumbnail. They go to the default storage through
the models' ImageFields (Django's storage API)."""

import uuid
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageOps, UnidentifiedImageError

from catalog.models import Provider, ProviderPhoto

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
LOGO_SIDE = 320
PHOTO_SIDE = 1600
THUMBNAIL_SIDE = 480


def image_open(*, data: bytes) -> Image.Image:
    """The picture in `data`, decoded and upright; ValidationError if it is not an accepted
    picture, or too large in bytes or pixels."""
    if len(data) > settings.CATALOG_IMAGE_MAX_BYTES:
        limit = settings.CATALOG_IMAGE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(f"The picture is larger than {limit} MB.")
    try:
        image = Image.open(BytesIO(data))
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError("Send a JPEG, PNG, WebP or GIF picture.")
        width, height = image.size
        if width * height > settings.CATALOG_IMAGE_MAX_PIXELS:
            raise ValidationError(f"The picture has too many pixels ({width} x {height}).")
        image.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise ValidationError("This file is not a picture that can be read.") from None
    return ImageOps.exif_transpose(image)


def image_upload_read(upload: Any) -> bytes | None:
    """An uploaded file's bytes once Pillow has read them as an accepted picture (None for no
    upload); ValidationError otherwise. Forms call it in their clean_<field>."""
    if not upload:
        return None
    data = upload.read()
    image_open(data=data)
    return data


def _encoded(image: Image.Image, *, side: int, keep_transparency: bool) -> ContentFile:
    picture = image.copy()
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    buffer = BytesIO()
    if keep_transparency:
        picture.convert("RGBA").save(buffer, format="PNG", optimize=True)
        extension = "png"
    else:
        picture.convert("RGB").save(buffer, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")


@transaction.atomic
def provider_logo_set(*, provider: Provider, data: bytes | None) -> Provider:
    """Set the installer's logo from an uploaded picture (None: remove it). The old file goes
    once the new one is saved."""
    old = provider.logo.name
    if data is None:
        provider.logo = ""
    else:
        image = image_open(data=data)
        logo = _encoded(image, side=LOGO_SIDE, keep_transparency=True)
        provider.logo.save(logo.name, logo, save=False)
    provider.save(update_fields=["logo", "updated_at"])
    if old and old != provider.logo.name:
        transaction.on_commit(lambda: provider.logo.storage.delete(old))
    return provider


def provider_photo_add(
    *, provider: Provider, data: bytes, caption: str = "", position: int | None = None
) -> ProviderPhoto:
    """Add a photo of the installer's work, with its thumbnail."""
    image = image_open(data=data)
    photo = ProviderPhoto(provider=provider, caption=caption[:200])
    photo.position = position if position is not None else provider.photos.count()
    full = _encoded(image, side=PHOTO_SIDE, keep_transparency=False)
    thumbnail = _encoded(image, side=THUMBNAIL_SIDE, keep_transparency=False)
    photo.image.save(full.name, full, save=False)
    photo.thumbnail.save(thumbnail.name, thumbnail, save=False)
    photo.save()
    return photo


def provider_photo_remove(*, photo: ProviderPhoto) -> None:
    """Remove a photo and, after the commit, its files."""
    names = [photo.image.name, photo.thumbnail.name]
    storage = photo.image.storage
    photo.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in names if name])
