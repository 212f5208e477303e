import os

from celery import Celery
from celery.signals import worker_init, worker_process_init, worker_ready

import config.broker
import config.observability.signals  # noqa: F401  (carries traces and request ids to tasks)
from config.gc import tune_after_startup
from config.observability.start import observability_start
from config.observability.worker_server import worker_metrics_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

app = Celery("sunbeckn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
