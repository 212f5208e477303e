"""Fixtures of the documents tests: a private storage of their own for each test."""

from pathlib import Path
from typing import Any

import pytest

# The BAP-side fixtures of tests/beckn (callbacks checked against the specifications).
from tests.beckn.conftest import callback_server, core_spec_checked  # noqa: F401


@pytest.fixture(autouse=True)
def private_storage(settings: Any, tmp_path: Path) -> Path:
    """The documents storage, in a folder of this test's own (empty at the start)."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


def stored_files(location: Path) -> list[Path]:
    return [path for path in location.rglob("*") if path.is_file()] if location.exists() else []
