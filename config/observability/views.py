"""GET /metrics: the Prometheus exposition, for the holder of METRICS_TOKEN only.

Never public: without METRICS_TOKEN the URL does not exist (404), and with it only the bearer
of the token is answered (401 otherwise), whatever the caller's address or X-Forwarded-For.
"""

import hmac
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from config.observability.gauges import DatabaseGauges

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_database = CollectorRegistry(auto_describe=False)
_database.register(DatabaseGauges())


def _authorized(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    )


def _counted() -> bytes:
    """Every process's counts (multiprocess mode) or this process's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    return generate_latest(registry)


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        return HttpResponseNotFound()
    if not _authorized(request):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(_counted() + generate_latest(_database), content_type=CONTENT_TYPE)
