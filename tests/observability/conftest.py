"""Helpers of the operations tests: scraping /metrics as Prometheus does."""

import time
from collections.abc import Callable
from typing import Any

import requests
from prometheus_client.parser import text_string_to_metric_families

from beckn.peers import encode
from tests.conftest import Bap

METRICS_TOKEN = "metrics-token-for-tests"
Samples = dict[tuple[str, frozenset], float]


def scrape(base_url: str, token: str = METRICS_TOKEN) -> Samples:
    """Every sample /metrics answers, by name and labels."""
    response = requests.get(
        f"{base_url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def wait_for(condition: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
    return result


def post_signed(base_url: str, bap: Bap, payload: dict, **headers: str) -> requests.Response:
    body = encode(payload)
    return requests.post(
        f"{base_url}/beckn/{payload['context']['action']}",
        data=body,
        timeout=10,
        headers={"Content-Type": "application/json", **bap.headers(body), **headers},
    )
