import os
import time

from celery import Celery
from celery.signals import task_postrun, worker_init, worker_process_init, worker_ready
from django.db import connections

import config.broker
import config.observability.signals  # noqa: F401  (carries traces and request ids to tasks)
from config.gc import tune_after_startup
from config.observability.start import observability_start
from config.observability.worker_server import worker_metrics_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

app = Celery("sunbeckn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _database_connections_checked(**kwargs: object) -> None:
    """After each task, close this thread's database connection only if an error broke it or it
    outlived CONN_MAX_AGE (CELERY_DB_REUSE_MAX keeps Celery from closing every one). Unlike
    close_old_connections, a sound connection is not health-checked again by the next task (a
    `SELECT 1` per callback): a task whose connection died fails and is retried (the tasks
    that write retry on DatabaseError, the periodic ones run again) on a new connection."""
    task = kwargs.get("task")
    if getattr(getattr(task, "request", None), "is_eager", False):
        return  # run in the caller's thread (apply()): its connection is the caller's business
    now = time.monotonic()
    for connection in connections.all(initialized_only=True):
        if connection.errors_occurred or (
            connection.close_at is not None and now >= connection.close_at
        ):
            connection.close_if_unusable_or_obsolete()


@worker_ready.connect
@worker_process_init.connect
def _garbage_collector_tune(**kwargs: object) -> None:
    """The worker (threads pool) or each of its processes (prefork) is loaded: see config/gc.py."""
    tune_after_startup()


@worker_init.connect
@worker_process_init.connect
def _observability_start(**kwargs: object) -> None:
    """Traces and Sentry, when configured, in the worker (and each of its processes)."""
    observability_start()


@worker_ready.connect
def _worker_metrics_start(**kwargs: object) -> None:
    """This host's counts on METRICS_PORT, for a worker with no web server beside it."""
    worker_metrics_start()
