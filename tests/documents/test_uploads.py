"""What makes a file acceptable, checked on the file itself (defence in depth: the form's
multipart parser has already reduced names to their last part)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.uploads import UploadRejected, display_name, inspect_upload
from tests.documents.factories import image_bytes, pdf_bytes


@pytest.mark.parametrize("name", ["../etc/passwd.pdf", "..\\boot.ini", "a/b.pdf", "..", " . "])
def test_names_with_folders_are_refused(name: str) -> None:
    with pytest.raises(UploadRejected, match="without any folder"):
        display_name(name)


def test_names_are_kept_for_display_only_without_control_characters() -> None:
    assert display_name("bill\u202e\x07 march.pdf") == "bill march.pdf"
    assert len(display_name("x" * 500 + ".pdf")) == 200


@pytest.mark.parametrize(
    "content, content_type, extension",
    [
        (pdf_bytes(), "application/pdf", "pdf"),
        (image_bytes("PNG"), "image/png", "png"),
        (image_bytes("JPEG"), "image/jpeg", "jpg"),
    ],
)
def test_good_files_are_described_by_their_content(
    content: bytes, content_type: str, extension: str
) -> None:
    inspected = inspect_upload(
        SimpleUploadedFile("whatever.bin", content, "text/plain"), max_bytes=10_000
    )
    assert (inspected.content_type, inspected.extension, inspected.size) == (
        content_type,
        extension,
        len(content),
    )
    assert inspected.display_name == "whatever.bin"


def test_a_pdf_whose_cross_reference_points_nowhere_is_damaged() -> None:
    content = pdf_bytes().replace(b"startxref\n", b"startxref\n9")
    with pytest.raises(UploadRejected, match="damaged"):
        inspect_upload(SimpleUploadedFile("a.pdf", content), max_bytes=100_000)
