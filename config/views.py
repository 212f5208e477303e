"""Operational endpoints that belong to no domain app."""

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from config.celery import app as celery_app

logger = logging.getLogger(__name__)


def _database_reachable() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError as exc:
        logger.warning("Health check: database unreachable: %s", exc)
        return False


def _broker_reachable() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=1)
        return True
    except Exception as exc:
        logger.warning("Health check: broker unreachable: %s", exc)
        return False


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with each dependency reachable, 503 naming the one that is not."""
    database = {"engine": connection.vendor, "reachable": _database_reachable()}
    broker = {
        "transport": celery_app.conf.broker_url.split("://", 1)[0],
        "reachable": _broker_reachable(),
    }
    healthy = database["reachable"] and broker["reachable"]
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "database": database, "broker": broker},
        status=200 if healthy else 503,
    )
