"""What makes an uploaded file acceptable: its content, not its name or its declared type.

Only PDF, JPEG and PNG files are accepted, recognised by their leading bytes (the `filetype`
library); a PDF must also be structurally whole (an end-of-file marker and a cross-reference
offset that points into the file), an image must be readable by Pillow. The uploader's name is
checked (no folders) and kept for display only: stored files get generated names.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from PIL import Image

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ACCEPT_ATTRIBUTE = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
HEAD_BYTES = 8192
PDF_TAIL_BYTES = 2048
STARTXREF_RE = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
XREF_TARGET_RE = re.compile(rb"\s*(?:xref\b|\d+\s+\d+\s+obj\b)")
# Room for the text fields and multipart framing above the files themselves.
REQUEST_OVERHEAD_BYTES = 1_000_000


def request_size_problem(request: HttpRequest, *, files: int) -> str:
    """Why a POST of up to `files` documents is refused before it is read: its declared length
    is far over DOCUMENTS_MAX_UPLOAD_BYTES a file ('' when it is not)."""
    limit = settings.DOCUMENTS_MAX_UPLOAD_BYTES * max(files, 1) + REQUEST_OVERHEAD_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= limit:
        return ""
    return (
        "The upload is too large: each file may be at most "
        f"{filesizeformat(settings.DOCUMENTS_MAX_UPLOAD_BYTES)}."
    )


class UploadRejected(Exception):
    """The file cannot be accepted; the message says why, in words for the uploader."""


@dataclass(frozen=True)
class InspectedUpload:
    content_type: str
    extension: str
    size: int
    sha256: str
    display_name: str


def display_name(name: str) -> str:
    """The uploader's file name as we show it. Raises UploadRejected for a name with a folder
    path or parent references, which no browser sends for a file it picked."""
    if any(separator in name for separator in ("/", "\\", "\x00")) or name.strip(". ") == "":
        raise UploadRejected("The file name must be a plain name, without any folder.")
    cleaned = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return cleaned[:200] or "document"


def _read_at(upload: UploadedFile, offset: int, length: int) -> bytes:
    upload.seek(offset)
    return upload.read(length)


def _pdf_problem(upload: UploadedFile, size: int) -> str:
    tail = _read_at(upload, max(size - PDF_TAIL_BYTES, 0), PDF_TAIL_BYTES)
    matches = list(STARTXREF_RE.finditer(tail))
    if b"%%EOF" not in tail or not matches:
        return "The PDF is damaged or incomplete (it has no proper end); please export it again."
    offset = int(matches[-1].group(1))
    if offset <= 0 or offset >= size or not XREF_TARGET_RE.match(_read_at(upload, offset, 64)):
        return "The PDF is damaged (its cross-reference table is missing); please export it again."
    return ""


def _image_problem(upload: UploadedFile) -> str:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
    except Image.DecompressionBombError:
        return "The image is too large in pixels; please send a smaller picture."
    except Exception:  # Pillow reports a broken image with many exception types
        return "The image is damaged and cannot be read; please take or export it again."
    return ""


def inspect_upload(upload: UploadedFile, *, max_bytes: int) -> InspectedUpload:
    """Check an uploaded file; raises UploadRejected with a message for the uploader."""
    name = display_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise UploadRejected(f"{name} is empty.")
    if size > max_bytes:
        raise UploadRejected(
            f"{name} is {filesizeformat(size)}; files may be at most {filesizeformat(max_bytes)}."
        )
    kind = filetype.guess(_read_at(upload, 0, HEAD_BYTES))
    content_type = kind.mime if kind else ""
    if content_type not in ALLOWED_TYPES:
        found = f" (its content is {content_type})" if content_type else ""
        raise UploadRejected(f"{name} is not a PDF, JPEG or PNG file{found}.")
    problem = (
        _pdf_problem(upload, size) if content_type == "application/pdf" else _image_problem(upload)
    )
    if problem:
        raise UploadRejected(f"{name}: {problem}")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return InspectedUpload(
        content_type=content_type,
        extension=ALLOWED_TYPES[content_type],
        size=size,
        sha256=digest.hexdigest(),
        display_name=name,
    )
