"""GET /metrics: the Prometheus exposition, for the holder of METRICS_TOKEN only.

Never public: without METRICS_TOKEN the URL does not exist (404), and with it only the bearer
of the token is answered (401 otherwise), whatever the caller's address or X-Forwarded-For.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, generate_latest

from config.observability.exposition import CONTENT_TYPE, bearer_matches, counted
from config.observability.gauges import DatabaseGauges

_database = CollectorRegistry(auto_describe=False)
_database.register(DatabaseGauges())


@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not settings.METRICS_TOKEN:
        return HttpResponseNotFound()
    if not bearer_matches(request.headers.get("Authorization", "")):
        response = HttpResponse("A bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(counted() + generate_latest(_database), content_type=CONTENT_TYPE)
