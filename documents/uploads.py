"""What makes an uploaded file acceptable: its content, not its name or its declared type.

Only PDF, JPEG and PNG files are accepted, recognised by their leading bytes (the `filetype`
library); a PDF must also be structurally whole (an end-of-file marker and a cross-reference
offset that points into the file), an image must be readable by Pillow. The uploader's name is
checked (no folders) and kept for display only: stored files get generated names.

What could run when the file is opened is refused too (issue 24): a PDF with scripts, launch
actions, embedded files, rich media or XFA forms (found by pypdf in the objects it reads, and by
their names in the raw bytes as a second line, escaped names included), an encrypted PDF (which
cannot be read for them), any file with HTML markup in it (a polyglot), anything after the
format's end (PDF: after the last %%EOF; JPEG: after its end-of-image marker; PNG: after IEND),
and an image of more than DOCUMENTS_MAX_IMAGE_PIXELS pixels.
"""

import hashlib
import re
import unicodedata
import warnings
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

ALLOWED_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ACCEPT_ATTRIBUTE = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
HEAD_BYTES = 8192
PDF_TAIL_BYTES = 2048
STARTXREF_RE = re.compile(rb"startxref\s+(\d+)\s+%%EOF")
XREF_TARGET_RE = re.compile(rb"\s*(?:xref\b|\d+\s+\d+\s+obj\b)")
# Room for the text fields and multipart framing above the files themselves.
REQUEST_OVERHEAD_BYTES = 1_000_000
# PDF names (keys, or the type of an action or annotation) of what runs or carries files.
ACTIVE_PDF_NAMES = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/FileAttachment",
        "/RichMedia",
        "/XFA",
        "/ImportData",
        "/GoToE",
    }
)
PDF_NAME_RE = re.compile(rb"/(?:[A-Za-z0-9]|#[0-9A-Fa-f]{2})+")
PDF_NAME_ESCAPE_RE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Markup a browser would render, long enough not to turn up by chance in compressed data.
HTML_MARKUP_RE = re.compile(
    rb"</?(?:html|head|body|script|iframe|object|embed|svg[\s>])|<!doctype|javascript:",
    re.IGNORECASE,
)
# At most this many objects of a PDF are read for actions: more is refused as too complex.
PDF_MAX_OBJECTS = 50_000
JPEG_STANDALONE_MARKERS = frozenset({0x01, *range(0xD0, 0xD8)})
TRAILING_PADDING = b" \t\r\n\x00"


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


ACTIVE_CONTENT = (
    "The PDF contains scripts, actions or attached files, which we do not accept; please "
    "print it to a new PDF (or scan it) and send that."
)
TRAILING_DATA = "The file has extra data after its end; please export or save it again."


def _pdf_names_in_raw_bytes(data: bytes) -> set[str]:
    """The names written in the file's bytes, with #xx escapes undone (/J#61vaScript)."""
    names = set()
    for match in PDF_NAME_RE.finditer(data):
        raw = PDF_NAME_ESCAPE_RE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0))
        names.add(raw.decode("latin-1"))
    return names


def _pdf_has_active_objects(reader: PdfReader) -> bool:
    """Whether any object reachable from the trailer names a script, action or file (keys
    and the values of /S, /Type and /Subtype). Raises PyPdfError for a file pypdf cannot
    read, RecursionError/ValueError for one that is too complex."""
    seen: set[tuple[int, int]] = set()
    pending: list[object] = [reader.trailer]
    while pending:
        value = pending.pop()
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS:
                raise ValueError("too many objects")
            pending.append(value.get_object())
        elif isinstance(value, DictionaryObject):
            for name, item in value.items():
                if name in ACTIVE_PDF_NAMES or (
                    name in ("/S", "/Type", "/Subtype")
                    and isinstance(item, NameObject)
                    and item in ACTIVE_PDF_NAMES
                ):
                    return True
                pending.append(item)
        elif isinstance(value, ArrayObject):
            pending.extend(value)
    return False


def _pdf_problem(upload: UploadedFile, size: int) -> str:
    tail = _read_at(upload, max(size - PDF_TAIL_BYTES, 0), PDF_TAIL_BYTES)
    matches = list(STARTXREF_RE.finditer(tail))
    if b"%%EOF" not in tail or not matches:
        return "The PDF is damaged or incomplete (it has no proper end); please export it again."
    if tail[tail.rindex(b"%%EOF") + len(b"%%EOF") :].strip(TRAILING_PADDING):
        return TRAILING_DATA
    offset = int(matches[-1].group(1))
    if offset <= 0 or offset >= size or not XREF_TARGET_RE.match(_read_at(upload, offset, 64)):
        return "The PDF is damaged (its cross-reference table is missing); please export it again."
    if _pdf_names_in_raw_bytes(_read_at(upload, 0, size)) & ACTIVE_PDF_NAMES:
        return ACTIVE_CONTENT
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            return "The PDF is password-protected; please send it without a password."
        if _pdf_has_active_objects(reader):
            return ACTIVE_CONTENT
    except (PyPdfError, RecursionError, ValueError, KeyError, TypeError, OSError):
        return "The PDF is damaged and cannot be read; please export it again."
    return ""


def _jpeg_end(data: bytes) -> int:
    """Where a JPEG's end-of-image marker ends (its segments and entropy-coded data walked);
    -1 when it has none."""
    position = 2  # after SOI
    while position + 2 <= len(data):
        if data[position] != 0xFF:
            return -1
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:
            return position + 2
        if marker in JPEG_STANDALONE_MARKERS:
            position += 2
            continue
        if position + 4 > len(data):
            return -1
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data up to the next real marker
            while True:
                position = data.find(b"\xff", position)
                if position < 0 or position + 1 >= len(data):
                    return -1
                following = data[position + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    position += 1 if following == 0xFF else 2
                    continue
                break
    return -1


def _png_end(data: bytes) -> int:
    """Where a PNG's IEND chunk ends (its chunks walked); -1 when it has none."""
    position = 8  # after the signature
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position if position <= len(data) else -1
    return -1


def _image_problem(upload: UploadedFile, content_type: str, size: int) -> str:
    data = _read_at(upload, 0, size)
    end = _jpeg_end(data) if content_type == "image/jpeg" else _png_end(data)
    if end < 0:
        return "The image is damaged or incomplete; please take or export it again."
    if data[end:].strip(TRAILING_PADDING):
        return TRAILING_DATA
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow's warning of a likely bomb is a refusal here, not a line in the log.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > settings.DOCUMENTS_MAX_IMAGE_PIXELS:
                    return "The image is too large in pixels; please send a smaller picture."
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return "The image is too large in pixels; please send a smaller picture."
    except Exception:  # Pillow reports a broken image with many exception types
        return "The image is damaged and cannot be read; please take or export it again."
    return ""


def _markup_problem(upload: UploadedFile, size: int) -> str:
    """HTML in any file makes it a polyglot that a browser could be led to render."""
    if HTML_MARKUP_RE.search(_read_at(upload, 0, size)):
        return "The file contains web page markup, which we do not accept; please export it again."
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
        _pdf_problem(upload, size)
        if content_type == "application/pdf"
        else _image_problem(upload, content_type, size)
    ) or _markup_problem(upload, size)
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
