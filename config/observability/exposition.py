"""What /metrics answers, and to whom: shared by the web view (views.py) and the worker's own
small server (worker_server.py)."""

import hmac
import os

from django.conf import settings
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def bearer_matches(authorization: str) -> bool:
    """Whether an Authorization header carries METRICS_TOKEN (compared in constant time)."""
    scheme, _, token = authorization.partition(" ")
    return (
        bool(settings.METRICS_TOKEN)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(token.strip().encode(), settings.METRICS_TOKEN.encode())
    )


def counted() -> bytes:
    """The counters and histograms of every process of this host (multiprocess mode, in
    PROMETHEUS_MULTIPROC_DIR), or of this process."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)
