"""Fixtures of the homeowner page tests: each test has a private documents storage of its own."""

from tests.documents.conftest import private_storage

__all__ = ["private_storage"]
