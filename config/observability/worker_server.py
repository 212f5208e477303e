"""A Celery worker's own /metrics, for a worker on a host without a web server.

The callback counters are counted in the worker's processes; a web server on the same host (as
with `make run`) serves them from the shared PROMETHEUS_MULTIPROC_DIR. A worker alone on its
host serves them itself when METRICS_PORT is set: GET /metrics on that port, to the holder of
METRICS_TOKEN only (the database gauges come from the web servers).
"""

import logging
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from django.conf import settings

from config.observability.exposition import CONTENT_TYPE, bearer_matches, counted

logger = logging.getLogger(__name__)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _application(environ: dict, start_response: Callable) -> Iterable[bytes]:
    if environ.get("PATH_INFO") != "/metrics" or environ.get("REQUEST_METHOD") != "GET":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"Not found.\n"]
    if not bearer_matches(environ.get("HTTP_AUTHORIZATION", "")):
        start_response(
            "401 Unauthorized",
            [("Content-Type", "text/plain"), ("WWW-Authenticate", 'Bearer realm="metrics"')],
        )
        return [b"A bearer token is required.\n"]
    start_response("200 OK", [("Content-Type", CONTENT_TYPE)])
    return [counted()]


def worker_metrics_start() -> WSGIServer | None:
    """Serve this host's counts on METRICS_PORT (METRICS_HOST, default 127.0.0.1) in a thread,
    when both it and METRICS_TOKEN are set. Returns the server, or None."""
    if not settings.METRICS_PORT:
        return None
    if not settings.METRICS_TOKEN:
        logger.warning("METRICS_PORT is set but METRICS_TOKEN is not: no worker /metrics")
        return None
    server = make_server(
        settings.METRICS_HOST,
        settings.METRICS_PORT,
        _application,
        server_class=_Server,
        handler_class=_QuietHandler,
    )
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
    logger.info("Worker metrics at http://%s:%s/metrics", *server.server_address[:2])
    return server
