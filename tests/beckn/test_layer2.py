"""Layer 2: a network's OpenAPI document (here tests/beckn/data/layer2_service.yaml) enforced on
every inbound request (NACK 30000 naming the violations), and checked on every callback."""

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from beckn import openapi
from beckn.inbound import layer2
from beckn.models import InboundMessage, OutboundMessage
from beckn.peers import CheckedCallbackServer, encode
from tests.beckn import conftest as beckn_conftest
from tests.beckn.conftest import LAYER2_SPEC
from tests.conftest import SPEC_NOT_RUN, Bap


@pytest.fixture
def layer2_on(settings: Any) -> str:
    settings.BECKN_LAYER2_SPEC_PATH = str(LAYER2_SPEC)
    return settings.BECKN_LAYER2_SPEC_PATH


def _category(payload: dict, code: object) -> dict:
    payload["message"]["intent"]["category"] = {"descriptor": {"code": code}}
    return payload


@pytest.mark.django_db
class TestInbound:
    def test_a_request_that_breaks_the_network_schema_gets_a_nack_naming_the_violation(
        self, client: Client, bap: Bap, layer2_on: str
    ) -> None:
        response = bap.post(client, _category(bap.request(), "hydrogen_installation"))

        assert response.status_code == 400
        answer = response.json()
        assert answer["message"] == {"ack": {"status": "NACK"}}
        assert answer["error"]["code"] == "30000"
        assert answer["error"]["paths"] == "message.intent.category.descriptor.code"
        assert answer["error"]["message"].startswith(
            "message.intent.category.descriptor.code: 'hydrogen_installation' is not one of "
            "['solar_panel_installation', "
        )
        assert not OutboundMessage.objects.exists()
        assert InboundMessage.objects.get().outcome == InboundMessage.Outcome.REJECTED

    def test_the_first_violations_are_all_named(
        self, client: Client, bap: Bap, layer2_on: str
    ) -> None:
        payload = _category(bap.request(), 7)
        response = bap.post(client, payload)

        message = response.json()["error"]["message"]
        assert message == (
            "message.intent.category.descriptor.code: 7 is not of type 'string'; "
            "message.intent.category.descriptor.code: 7 is not one of "
            "['solar_panel_installation', 'battery_system_installation', "
            "'ev_charger_installation', 'meter_installation', 'smart_device_installation']"
        )

    def test_a_missing_field_is_named_by_its_own_path(
        self, client: Client, bap: Bap, layer2_on: str
    ) -> None:
        payload = bap.request()
        payload["message"]["intent"]["category"] = {"id": "3"}  # valid for the core schema

        answer = bap.post(client, payload).json()

        assert answer["error"]["paths"] == "message.intent.category.descriptor"
        assert "'descriptor' is a required property" in answer["error"]["message"]

    def test_a_request_that_conforms_is_acked(
        self, client: Client, bap: Bap, layer2_on: str
    ) -> None:
        payload = _category(bap.request(), "ev_charger_installation")
        assert bap.post(client, payload).status_code == 200

    def test_layer2_is_off_by_default(self, client: Client, bap: Bap, settings: Any) -> None:
        assert settings.BECKN_LAYER2_SPEC_PATH == ""
        payload = bap.request()
        payload["message"]["intent"]["category"] = {"id": "3"}
        assert bap.post(client, payload).status_code == 200

    def test_the_document_is_loaded_and_compiled_once(
        self, client: Client, bap: Bap, layer2_on: str
    ) -> None:
        layer2.schemas.cache_clear()
        for _ in range(5):
            assert bap.post(client, bap.request()).status_code == 200

        assert layer2.schemas.cache_info().misses == 1
        assert layer2.schemas.cache_info().hits == 4
        assert list(layer2.schemas(layer2_on)._validators) == [("search", "request")]


class TestDocuments:
    def test_past_the_first_three_violations_the_rest_are_counted(self, layer2_on: str) -> None:
        body = {"context": {"domain": "mobility"}, "message": {}}

        path, message = layer2.validate_request("search", body)

        assert path == "context.action"
        assert message == (
            "'action' is a required property; context.bap_id: 'bap_id' is a required "
            "property; context.bap_uri: 'bap_uri' is a required property; and 6 more"
        )

    def test_an_action_the_document_does_not_describe_is_not_checked(self, layer2_on: str) -> None:
        assert layer2.validate_request("select", {"anything": True}) is None

    def test_an_openapi_3_1_document_is_understood(self, tmp_path: Path) -> None:
        document = {
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/search": {
                    "post": {
                        "requestBody": {
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Search"}
                                }
                            }
                        }
                    }
                }
            },
            "components": {
                "schemas": {
                    "Search": {
                        "type": "object",
                        "properties": {"ttl": {"type": ["string", "null"]}},
                    }
                }
            },
        }
        path = tmp_path / "layer2.json"
        path.write_text(json.dumps(document))

        assert layer2.violations("search", {"ttl": None}, spec_path=str(path)) == []
        assert layer2.violations("search", {"ttl": 5}, spec_path=str(path)) == [
            ("ttl", "5 is not of type 'string', 'null'")
        ]

    @pytest.mark.parametrize(
        "text, reason",
        [
            ("openapi: 2.0\npaths: {}\n", "not 3.0 or 3.1"),
            ("- a list\n", "not an OpenAPI document"),
            ("openapi: [unclosed\n", "Layer-2 document"),
        ],
    )
    def test_a_broken_document_fails_loudly(self, tmp_path: Path, text: str, reason: str) -> None:
        path = tmp_path / "broken.yaml"
        path.write_text(text)
        with pytest.raises(ImproperlyConfigured, match=reason):
            layer2.violations("search", {}, spec_path=str(path))

    def test_the_callback_checker_reports_a_nonconforming_callback(self, layer2_on: str) -> None:
        with CheckedCallbackServer(spec_paths=lambda: [layer2_on]) as server:
            bad = {"context": {"action": "on_search"}, "message": {"catalog": {"providers": [{}]}}}
            requests.post(f"{server.bap_uri}/on_search", data=encode(bad), timeout=5)

        assert any("message.catalog.providers[0].id" in v for v in server.violations)
        assert any("context.domain" in v for v in server.violations)


@pytest.mark.usefixtures("celery_worker", "demo_catalog")
def test_every_callback_conforms_to_the_network_and_to_the_core_specification(
    live_server: Any, bap: Bap, bpp_public_key: str, layer2_on: str, core_spec_checked: Path | None
) -> None:
    # The callback_server fixture fails the test on any violation of either document.
    for payload in (bap.request(), _category(bap.request(), "solar_panel_installation")):
        answer = bap.exchange(live_server.url, payload, bpp_public_key)
        assert answer["message"]["catalog"]["providers"]
    assert len(bap.server.all) == 2


def test_a_missing_core_specification_is_a_comparison_not_run_outside_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("BECKN_SPEC_DIR", str(tmp_path))
    monkeypatch.setenv("CI", "")
    before = list(request.node.user_properties)

    assert beckn_conftest.spec_path("transaction.yaml", request) is None
    assert request.node.user_properties == [*before, (SPEC_NOT_RUN, "transaction.yaml")]
    request.node.user_properties[:] = before  # this test did compare what it tests


def test_a_missing_core_specification_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("BECKN_SPEC_DIR", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="is missing"):
        beckn_conftest.spec_path("transaction.yaml", request)


def test_the_specification_is_found_where_beckn_spec_dir_says(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "transaction.yaml").write_text("openapi: 3.0.0\npaths: {}\n")
    monkeypatch.setenv("BECKN_SPEC_DIR", str(tmp_path))
    assert openapi.spec_file("transaction.yaml") == (tmp_path / "transaction.yaml").resolve()
    assert openapi.spec_file("registry.yaml") is None
