import os

from celery import Celery
from celery.signals import worker_process_init, worker_ready

import config.broker  # noqa: F401  (registers the embedded broker's transport)
from config.gc import tune_after_startup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.django.base")

app = Celery("sunbeckn")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
@worker_process_init.connect
def _garbage_collector_tune(**kwargs: object) -> None:
    """The worker (threads pool) or each of its processes (prefork) is loaded: see config/gc.py."""
    tune_after_startup()
