"""The front door holds against hostile input (issue 24): every refusal is a JSON NACK with its
BECKN-005 code, unsigned traffic costs nothing durable, rates are limited, callbacks stay under
the registered url, requests are fresh, and the answers act on the checked request."""

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from beckn.delivery.composers import composer_for
from beckn.inbound import guards
from beckn.models import InboundMessage, OutboundMessage
from beckn.peers import encode
from catalog.models import Item
from orders.models import Order
from tests.conftest import Bap
from tests.orders.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counters() -> Iterator[None]:
    """Each test starts with no rate counters."""
    guards.rate_counters().clear()
    yield
    guards.rate_counters().clear()


def post_raw(client: Client, body: bytes, action: str = "search", **headers: str) -> Any:
    return client.post(
        f"/beckn/{action}", data=body, content_type="application/json", headers=headers
    )


def post_signed(client: Client, bap: Bap, payload: dict, **sign: Any) -> Any:
    body = encode(payload)
    action = payload["context"]["action"]
    return post_raw(client, body, action, Authorization=bap.identity.sign(body, **sign))


def assert_nack(response: Any, status: int, code: str, *words: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    answer = response.json()
    assert answer["message"] == {"ack": {"status": "NACK"}}
    assert answer["error"]["code"] == code
    for word in words:
        assert word in answer["error"]["message"], answer["error"]["message"]
    return answer


def composed(row: OutboundMessage) -> dict:
    """The callback body the delivery engine would compose for an outbox row, in-process."""
    return composer_for(row.request.action)(row.request.body)


def nested(depth: int) -> bytes:
    return b'{"context":' + b"[" * depth + b"]" * depth + b"}"


class TestNo5xx:
    @pytest.mark.parametrize("depth", [40, 100_000])
    def test_deeply_nested_json_is_a_400(self, client: Client, depth: int) -> None:
        assert_nack(post_raw(client, nested(depth)), 400, "30000", "nested")

    @pytest.mark.parametrize(
        "text", [b'"\\ud800"', b'"a\\udfffb"', b'"\\u0000"'], ids=["high", "low", "nul"]
    )
    def test_unstorable_text_is_a_400_naming_the_field(
        self, client: Client, bap: Bap, text: bytes
    ) -> None:
        body = encode(bap.request()).replace(b'"Solar Installation Request"', text)
        answer = assert_nack(
            post_raw(client, body, Authorization=bap.identity.sign(body)), 400, "30000"
        )
        assert answer["error"]["paths"] == "message.intent.descriptor.name"
        unsigned = post_raw(client, b'{"context": {"bap_id": ' + text + b"}}")
        assert_nack(unsigned, 400, "30000", "context.bap_id")

    @pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"1e999"])
    def test_numbers_json_cannot_carry_are_refused(self, client: Client, number: bytes) -> None:
        assert_nack(post_raw(client, b'{"context": ' + number + b"}"), 400, "30000", "JSON")

    @pytest.mark.parametrize("ttl", ["P999999999D", "P3000Y", "P2D"])
    def test_a_ttl_too_long_is_a_400_naming_it(self, client: Client, bap: Bap, ttl: str) -> None:
        response = post_signed(client, bap, bap.request(ttl=ttl))
        assert assert_nack(response, 400, "30000", "context.ttl")["error"]["paths"] == (
            "context.ttl"
        )

    def test_a_body_over_the_limit_is_a_413_before_it_is_read(
        self, client: Client, settings: Any
    ) -> None:
        settings.BECKN_MAX_BODY_BYTES = 1000
        assert_nack(post_raw(client, b" " * 1001), 413, "30000", "1000 bytes")
        assert not InboundMessage.objects.filter(body__isnull=False).exists()

    def test_djangos_own_upload_limit_does_not_answer_in_html(
        self, client: Client, bap: Bap, settings: Any
    ) -> None:
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
        assert post_signed(client, bap, bap.request()).status_code == 200
        assert_nack(post_raw(client, b"{" + b" " * 200 + b"}"), 401, "30000", "not signed")

    @pytest.mark.parametrize(
        "body, status", [(nested(100_000), 400), (b'{"challenge": "\\ud800"}', 400)]
    )
    def test_the_registry_challenge_door_holds_too(
        self, client: Client, settings: Any, body: bytes, status: int
    ) -> None:
        response = client.post("/beckn/on_subscribe", data=body, content_type="application/json")
        assert response.status_code == status
        assert response.json()["message"] == {"ack": {"status": "NACK"}}
        settings.BECKN_MAX_BODY_BYTES = 10
        response = client.post("/beckn/on_subscribe", data=body, content_type="application/json")
        assert response.status_code == 413

    @pytest.mark.parametrize("path", ["/beckn/no such action", "/beckn/search/", "/beckn/a/b"])
    def test_a_path_not_served_is_a_json_404(self, client: Client, path: str) -> None:
        response = client.post(path, data=b"{}", content_type="application/json")
        assert_nack(response, 404, "40001", "does not serve")
        assert_nack(client.get(path), 405, "30000", "POSTed")

    def test_a_wrong_content_length_is_a_400(self, client: Client) -> None:
        response = client.generic(
            "POST", "/beckn/search", b"{}", "application/json", CONTENT_LENGTH="many"
        )
        assert_nack(response, 400, "30000", "Content-Length")


class TestUnsignedTrafficCostsNothing:
    def test_an_unsigned_request_leaves_a_short_summary_only(self, client: Client) -> None:
        payload = {"context": {"bap_id": "x"}, "message": {"pad": "p" * 900_000}}
        assert_nack(post_raw(client, json.dumps(payload).encode()), 401, "30000")
        row = InboundMessage.objects.get()
        assert row.body is None
        assert row.bap_id == "x"
        assert len(row.raw_excerpt) <= 500

    def test_a_badly_signed_request_leaves_a_summary_only(self, client: Client, bap: Bap) -> None:
        body = encode(bap.request())
        headers = {"Authorization": bap.identity.sign(body + b" ")}
        assert_nack(post_raw(client, body, **headers), 401, "30000", "does not match")
        assert InboundMessage.objects.get().body is None

    def test_a_signed_invalid_request_is_logged_whole(self, client: Client, bap: Bap) -> None:
        payload = bap.request(domain="retail")
        assert_nack(post_signed(client, bap, payload), 400, "30000", "context.domain")
        row = InboundMessage.objects.get()
        assert row.body == payload
        assert row.signer.startswith(bap.subscriber_id)

    def test_summaries_of_refusals_are_rate_limited(self, client: Client, settings: Any) -> None:
        settings.BECKN_REJECTION_LOG_PER_IP = 3
        for _ in range(6):
            assert_nack(post_raw(client, b"not json"), 400, "30000")
        assert InboundMessage.objects.count() == 3


class TestRateLimits:
    def test_one_address_over_its_limit_gets_429(self, client: Client, settings: Any) -> None:
        settings.BECKN_RATE_LIMIT_PER_IP = 2
        for _ in range(2):
            assert_nack(post_raw(client, b"{}"), 401, "30000")
        answer = post_raw(client, b"{}")
        assert_nack(answer, 429, "50000", "127.0.0.1")
        assert 1 <= int(answer["Retry-After"]) <= settings.BECKN_RATE_LIMIT_WINDOW_SECONDS
        other = post_raw(client, b"{}", **{"X-Real-IP": "10.0.0.9"})
        assert other.status_code == 429  # the header is not trusted unless configured
        settings.BECKN_CLIENT_IP_HEADER = "X-Real-IP"
        assert post_raw(client, b"{}", **{"X-Real-IP": "10.0.0.9"}).status_code == 401

    def test_one_caller_over_its_limit_gets_429(
        self, client: Client, bap: Bap, settings: Any
    ) -> None:
        settings.BECKN_RATE_LIMIT_PER_CALLER = 2
        for _ in range(2):
            assert post_signed(client, bap, bap.request()).status_code == 200
        answer = post_signed(client, bap, bap.request())
        assert_nack(answer, 429, "50000", bap.subscriber_id)
        assert int(answer["Retry-After"]) >= 1
        assert OutboundMessage.objects.count() == 2
        assert InboundMessage.objects.count() == 2  # the flood is not logged

    def test_an_unsigned_request_does_not_use_a_callers_quota(
        self, client: Client, bap: Bap, settings: Any
    ) -> None:
        settings.BECKN_RATE_LIMIT_PER_CALLER = 1
        forged = encode(bap.request())
        for _ in range(3):
            assert post_raw(client, forged).status_code == 401
        assert post_signed(client, bap, bap.request()).status_code == 200

    def test_a_cache_that_is_down_throttles_nothing(
        self, client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        class Down:
            def incr(self, *args: object, **kwargs: object) -> int:
                raise ConnectionError("cache down")

            add = incr

            def clear(self) -> None:
                pass

        settings.BECKN_RATE_LIMIT_PER_IP = 1
        monkeypatch.setattr(guards, "rate_counters", Down)
        for _ in range(3):
            assert_nack(post_raw(client, b"{}"), 401, "30000")


class TestCallbackTargets:
    @pytest.mark.parametrize(
        "suffix",
        [
            "/../admin",
            "/%2e%2e/admin",
            "/%2E%2E%2Fadmin",
            "/x/../../admin",
            "/..",
            "/.%2e",
            "\\..\\admin",
            "?next=/admin",
            "#admin",
        ],
    )
    def test_a_bap_uri_leaving_the_registered_path_is_a_401(
        self, client: Client, bap: Bap, suffix: str
    ) -> None:
        payload = bap.request(bap_uri=bap.server.bap_uri + suffix)
        response = post_signed(client, bap, payload)
        if response.status_code == 400:  # not even a url
            assert_nack(response, 400, "30000", "context.bap_uri")
        else:
            assert_nack(response, 401, "30000", "context.bap_uri")
        assert not OutboundMessage.objects.exists()

    @pytest.mark.parametrize("suffix", ["", "/", "/v1", "/v1/../v2", "/./v1"])
    def test_a_bap_uri_under_the_registered_path_is_served(
        self, client: Client, bap: Bap, suffix: str
    ) -> None:
        assert post_signed(client, bap, bap.request(bap_uri=bap.server.bap_uri + suffix)).json()[
            "message"
        ] == {"ack": {"status": "ACK"}}


def rfc3339(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


class TestFreshness:
    @pytest.mark.parametrize(
        "context",
        [
            {"timestamp": "0001-01-01T00:00:00Z"},
            {"timestamp": rfc3339(datetime.now(UTC) - timedelta(minutes=3))},
            {"timestamp": rfc3339(datetime.now(UTC) - timedelta(minutes=3)), "ttl": "PT1M"},
            {"timestamp": "9999-12-31T23:59:59+00:00"},
            {"timestamp": "9999-12-31T23:59:59-14:00", "ttl": "P1D"},
        ],
    )
    def test_a_stale_or_future_request_is_a_400(
        self, client: Client, bap: Bap, context: dict
    ) -> None:
        payload = bap.request()
        payload["context"].pop("ttl", None)
        payload["context"].update(context)
        response = post_signed(client, bap, payload)
        assert_nack(response, 400, "30000", "context.timestamp")

    def test_a_request_within_its_ttl_is_served(self, client: Client, bap: Bap) -> None:
        moment = rfc3339(datetime.now(UTC) - timedelta(minutes=3))
        assert (
            post_signed(client, bap, bap.request(timestamp=moment, ttl="PT10M")).status_code == 200
        )

    def test_a_signature_valid_for_ten_years_is_a_401(self, client: Client, bap: Bap) -> None:
        response = post_signed(client, bap, bap.request(), ttl_seconds=10 * 365 * 86400)
        assert_nack(response, 401, "30000", "longer than")

    def test_a_signature_valid_for_an_hour_is_served(self, client: Client, bap: Bap) -> None:
        response = post_signed(client, bap, bap.request(), ttl_seconds=3600)
        assert response.status_code == 200


@pytest.mark.usefixtures("demo_catalog")
class TestActionsActOnCheckedValues:
    def test_a_number_for_a_name_is_searched_as_text(self, client: Client, bap: Bap) -> None:
        payload = bap.request()
        payload["message"]["intent"]["descriptor"]["name"] = 123
        assert post_signed(client, bap, payload).status_code == 200
        row = OutboundMessage.objects.get()
        assert row.request.body["message"]["intent"]["descriptor"]["name"] == "123"
        assert "catalog" in composed(row)["message"]

    def order(self, bap: Bap) -> Order:
        item = Item.objects.get(external_id="sp-resi-001")
        return OrderFactory(
            provider=item.provider,
            fulfillment=item.fulfillments.get(),
            items=[item],
            buyer_reference=bap.subscriber_id,
        )

    def test_a_number_for_a_cancellation_reason_is_that_reason(
        self, client: Client, bap: Bap
    ) -> None:
        order = self.order(bap)
        message = {"order_id": order.installation_request_id, "cancellation_reason_id": 1}
        assert post_signed(client, bap, bap.request("cancel", message=message)).status_code == 200
        answer = composed(OutboundMessage.objects.get())
        assert "error" not in answer, answer
        assert answer["message"]["order"]["status"] == "CANCELLED"

    def test_a_number_for_a_fulfillment_id_is_that_fulfillment(
        self, client: Client, bap: Bap
    ) -> None:
        payload = bap.request("init")
        local_id = payload["message"]["order"]["fulfillments"][0]["id"]
        assert local_id.isdigit()
        payload["message"]["order"]["fulfillments"][0]["id"] = int(local_id)
        assert post_signed(client, bap, payload).status_code == 200
        answer = composed(OutboundMessage.objects.get())
        assert "error" not in answer, answer
        assert answer["message"]["order"]["fulfillments"][0]["id"] == local_id


def test_the_time_it_takes_is_not_spent_on_unsigned_bodies(client: Client) -> None:
    """Ten unsigned posts just under the size limit are refused quickly and store ~nothing."""
    body = json.dumps({"context": {}, "pad": "x" * 1_000_000}).encode()[: 1024 * 1024]
    started = time.monotonic()
    for _ in range(10):
        assert post_raw(client, body).status_code in (400, 401)
    assert time.monotonic() - started < 10
    assert sum(len(r.raw_excerpt) for r in InboundMessage.objects.all()) <= 10 * 500
    assert not InboundMessage.objects.filter(body__isnull=False).exists()
