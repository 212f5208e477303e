"""Sentry: nothing without SENTRY_DSN; with it, errors arrive masked as the logs are."""

import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
import sentry_sdk
from pytest_httpserver import HTTPServer

from config.observability.errors import errors_start

BILLING = {"name": "Emily Tran", "address": "456 Glenview St, San Francisco, CA"}
AUTHORIZATION = 'Signature keyId="bap|k1|ed25519",signature="c2VjcmV0LXNpZ25hdHVyZQ=="'


@pytest.fixture
def sentry_off() -> Iterator[None]:
    yield
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: the SDK sends nothing


def test_nothing_is_set_up_without_a_dsn(settings: Any) -> None:
    settings.SENTRY_DSN = ""

    assert not errors_start()
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.usefixtures("sentry_off")
def test_an_error_reaches_sentry_masked(httpserver: HTTPServer, settings: Any) -> None:
    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_json({})
    settings.SENTRY_DSN = f"http://publickey@127.0.0.1:{httpserver.port}/1"

    assert errors_start()
    try:
        raise ValueError(f"Cannot bill {json.dumps({'billing': BILLING})}: {AUTHORIZATION}")
    except ValueError as exc:
        sentry_sdk.set_context("request", {"headers": {"Authorization": AUTHORIZATION}})
        sentry_sdk.set_extra("order", {"billing": BILLING, "id": "order-1"})
        sentry_sdk.capture_exception(exc)
    sentry_sdk.flush(timeout=5)

    request, _ = httpserver.log[0]
    body = request.get_data()
    if request.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    text = body.decode()
    assert "ValueError" in text and "order-1" in text and "[masked]" in text
    for secret in ("Emily Tran", "456 Glenview", "c2VjcmV0LXNpZ25hdHVyZQ=="):
        assert secret not in text
