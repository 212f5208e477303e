"""Uploaded files that could run or be rendered when opened are refused (issue 24): PDFs with
scripts, launch actions, attached files, rich media or XFA; polyglots carrying HTML; data after
the format's end; images with too many pixels. The files are made here, as an attacker would."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from documents.uploads import UploadRejected, _pdf_has_active_objects, inspect_upload
from tests.documents.factories import image_bytes, pdf_bytes

LIMIT = 10_000_000


def inspect(content: bytes, name: str = "file.bin") -> object:
    return inspect_upload(SimpleUploadedFile(name, content), max_bytes=LIMIT)


def rewritten(change: object) -> bytes:
    """A genuine one-page PDF, changed by `change(writer)` and written again by pypdf."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes("Electricity bill"))))
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def open_action_javascript(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('owned')"),
        }
    )


def launch_action(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )


def embedded_file(writer: PdfWriter) -> None:
    writer.add_attachment("invoice.exe", b"MZ not really")


def page_javascript(writer: PdfWriter) -> None:
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('owned')"),
        }
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): script})


def xfa_form(writer: PdfWriter) -> None:
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/XFA"): TextStringObject("<xdp/>")}
    )


ACTIVE = [open_action_javascript, launch_action, embedded_file, page_javascript, xfa_form]


def test_a_pdf_rewritten_by_pypdf_without_actions_is_accepted() -> None:
    assert inspect(rewritten(lambda writer: None)).content_type == "application/pdf"


@pytest.mark.parametrize("change", ACTIVE, ids=lambda change: change.__name__)
def test_pdfs_with_scripts_actions_or_files_are_refused(change: object) -> None:
    content = rewritten(change)

    with pytest.raises(UploadRejected, match="scripts, actions or attached files"):
        inspect(content, "bill.pdf")
    # The parsing line finds them by itself, not only the search of the raw bytes.
    assert _pdf_has_active_objects(PdfReader(io.BytesIO(content)))


def handmade_pdf(catalog_extra: bytes = b"", header_comment: bytes = b"") -> bytes:
    """A whole one-page PDF written by hand (its cross-reference offsets right), as an attacker
    writes one: `catalog_extra` goes in the catalog, `header_comment` after the header."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    ]
    out = b"%PDF-1.4\n" + header_comment
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def test_a_handmade_pdf_is_accepted() -> None:
    assert inspect(handmade_pdf()).content_type == "application/pdf"


def test_an_escaped_javascript_name_is_refused_too() -> None:
    disguised = handmade_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")
    assert b"/JavaScript" not in disguised

    with pytest.raises(UploadRejected, match="scripts, actions or attached files"):
        inspect(disguised, "bill.pdf")


def test_a_pdf_html_polyglot_is_refused() -> None:
    polyglot = handmade_pdf(header_comment=b"%<html><body><script>alert(1)</script>\n")

    with pytest.raises(UploadRejected, match="web page markup"):
        inspect(polyglot, "bill.pdf")


@pytest.mark.parametrize(
    "content",
    [
        pdf_bytes() + b"\n<html><body>hello</body></html>\n",
        pdf_bytes() + b"\nanything at all",
        image_bytes("JPEG") + b"<html><script>alert(1)</script></html>",
        image_bytes("JPEG") + b"\x00\x01junk",
        image_bytes("PNG") + b"<svg onload=alert(1)>",
    ],
    ids=["pdf+html", "pdf+data", "jpeg+html", "jpeg+data", "png+svg"],
)
def test_data_after_the_end_of_the_file_is_refused(content: bytes) -> None:
    with pytest.raises(UploadRejected, match="extra data after its end"):
        inspect(content)


def test_trailing_line_ends_are_not_data() -> None:
    assert inspect(pdf_bytes() + b"\r\n\n").content_type == "application/pdf"
    assert inspect(image_bytes("JPEG") + b"\n").content_type == "image/jpeg"


def test_html_inside_a_jpeg_comment_is_refused() -> None:
    jpeg = image_bytes("JPEG")
    comment = b"<html><script>alert(1)</script></html>"
    segment = b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment
    polyglot = jpeg[:2] + segment + jpeg[2:]

    with pytest.raises(UploadRejected, match="web page markup"):
        inspect(polyglot)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares `width` x `height` pixels (an image bomb's header), with one tiny
    IDAT chunk: Pillow reads the size without decoding anything."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_144_megapixel_png_is_refused() -> None:
    with pytest.raises(UploadRejected, match="too large in pixels"):
        inspect(png_header_only(12_000, 12_000))


def test_the_pixel_limit_is_a_setting(settings: object) -> None:
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 63
    with pytest.raises(UploadRejected, match="too large in pixels"):
        inspect(image_bytes("PNG"))  # 8 x 8
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 64
    assert inspect(image_bytes("PNG")).content_type == "image/png"
