"""The benchmark's partial ACK paths (bench/urls.py) stop where they say, and check what they
claim to check: the signed one the signature, the checked one the message too."""

import pytest
from django.http import HttpResponse
from django.test import Client

from beckn.models import InboundMessage, OutboundMessage
from beckn.peers import encode
from tests.conftest import Bap

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def bench_urls(settings: object) -> None:
    settings.ROOT_URLCONF = "bench.urls"


def post(client: Client, path: str, body: bytes, authorization: str = "") -> HttpResponse:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    return client.post(path, body, content_type="application/json", **headers)


@pytest.mark.parametrize("stage", ["signed", "checked"])
def test_a_valid_search_is_acked_without_a_row_or_a_callback(
    client: Client, bap: Bap, stage: str
) -> None:
    body = encode(bap.request("search"))
    response = post(client, f"/bench/ack/{stage}/search", body, bap.identity.sign(body))

    assert response.status_code == 200
    assert response.json() == {"message": {"ack": {"status": "ACK"}}}
    assert not InboundMessage.objects.exists()
    assert not OutboundMessage.objects.exists()


@pytest.mark.parametrize("stage", ["signed", "checked"])
def test_an_unsigned_search_is_refused(client: Client, bap: Bap, stage: str) -> None:
    response = post(client, f"/bench/ack/{stage}/search", encode(bap.request("search")))

    assert response.status_code == 401
    assert response.json()["message"]["ack"]["status"] == "NACK"


def test_only_the_checked_path_validates_the_message(client: Client, bap: Bap) -> None:
    payload = bap.request("search")
    del payload["context"]["domain"]
    body = encode(payload)
    authorization = bap.identity.sign(body)

    signed = post(client, "/bench/ack/signed/search", body, authorization)
    checked = post(client, "/bench/ack/checked/search", body, authorization)

    assert signed.status_code == 200
    assert checked.status_code == 400
    assert checked.json()["error"]["paths"] == "context.domain"
