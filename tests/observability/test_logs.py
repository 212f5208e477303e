"""Log lines: JSON (LOG_FORMAT=json) or plain, with the request and Beckn ids, and never a
signature, key, token, document or billing address."""

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from beckn.peers import encode
from config.observability import context
from config.observability.logs import ContextFilter, JsonFormatter, MaskingFilter, PlainFormatter
from config.settings.observability import LOGGING
from tests.conftest import Bap

SECRETS = ("Emily Tran", "456 Glenview St", "emily.tran@example.com", "+14155556666")


def capture(formatter: logging.Formatter) -> tuple[logging.Handler, io.StringIO]:
    """A handler set up as config/settings/observability.py sets up the console's."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    handler.addFilter(ContextFilter())
    handler.addFilter(MaskingFilter())
    return handler, stream


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    handler, stream = capture(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def signed_init(bap: Bap) -> tuple[dict[str, Any], dict[str, str]]:
    payload = bap.request("init")
    assert payload["message"]["order"]["billing"]["address"]
    return payload, bap.headers(encode(payload))


@pytest.mark.django_db
def test_a_beckn_request_logs_json_lines_with_its_ids_and_nothing_secret(
    client: Any, bap: Bap, json_lines: io.StringIO
) -> None:
    payload, headers = signed_init(bap)
    signature = headers["Authorization"].split('signature="')[1].rstrip('"')
    # Signed, then changed: the signature no longer matches (401), which Django logs.
    payload["message"]["order"]["billing"]["name"] = "Someone Else"

    response = client.post(
        "/beckn/init",
        data=encode(payload),
        content_type="application/json",
        headers={**headers, "X-Request-ID": "req-42"},
    )
    assert response.status_code == 401
    assert response["X-Request-ID"] == "req-42"
    # What a careless line, or a crash quoting its input, would write about the same request.
    log = logging.getLogger("beckn.inbound.views")
    with context.bound(request_id="req-43", **context.beckn_ids("init", payload["context"])):
        log.warning("Rejected %s: headers=%s body=%s", "init", headers, payload)
        log.info("Raw: Authorization: %s %s", headers["Authorization"], json.dumps(payload))
        try:
            raise ValueError(f"Cannot read {json.dumps(payload)!s} with {headers!r}")
        except ValueError:
            log.exception("Crashed on %s", payload["context"]["message_id"])

    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    unauthorized = next(line for line in lines if line["logger"] == "django.request")
    assert unauthorized["message"] == "Unauthorized: /beckn/init"
    assert unauthorized["request_id"] == "req-42"
    assert unauthorized["level"] == "WARNING"
    for line in [unauthorized, *lines[-3:]]:
        assert line["transaction_id"] == payload["context"]["transaction_id"]
        assert line["message_id"] == payload["context"]["message_id"]
        assert line["bap_id"] == bap.subscriber_id
        assert line["action"] == "init"
    text = json_lines.getvalue()
    assert "[masked]" in text
    assert "Traceback" in lines[-1]["exception"]
    for secret in (
        signature,
        bap.identity.key if isinstance(bap.identity.key, str) else "",
        *SECRETS,
    ):
        if secret:
            assert secret not in text, secret


def test_plain_lines_carry_the_ids_and_are_masked() -> None:
    handler, stream = capture(PlainFormatter(LOGGING["formatters"]["plain"]["format"]))
    log = logging.getLogger("tests.plain")
    log.addHandler(handler)
    try:
        with context.bound(request_id="r1", transaction_id="t1"):
            log.warning("headers %s", {"Authorization": "Signature keyId=x signature=abc"})
    finally:
        log.removeHandler(handler)

    line = stream.getvalue()
    assert line.rstrip().endswith(
        "headers {'Authorization': '[masked]'} [request_id=r1 transaction_id=t1]"
    )


def test_log_format_json_makes_the_processes_log_json() -> None:
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('beckn').warning('token=%s', {'token': 'tok-123', 'n': 1})"
    )
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "config.django.base"}
    env.pop("DATABASE_URL", None)

    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )

    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"]) == ("WARNING", "beckn")
    assert line["message"] == "token={'token': '[masked]', 'n': 1}"


def test_gunicorns_lines_are_json_and_masked_too_with_log_format_json() -> None:
    env = {**os.environ, "LOG_FORMAT": "json"}
    script = (
        "import logging, logging.config, runpy; "
        "config = runpy.run_path('config/gunicorn.py')['logconfig_dict']; "
        "logging.config.dictConfig(config); "
        "logging.getLogger('gunicorn.access').info("
        "'127.0.0.1 \"GET /reset?token=t0k3n&password=hunter2&page=2 HTTP/1.1\" 200')"
    )

    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )

    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["logger"] == "gunicorn.access"
    assert line["message"] == (
        '127.0.0.1 "GET /reset?token=[masked]&password=[masked]&page=2 HTTP/1.1" 200'
    )
