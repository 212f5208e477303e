"""Gunicorn settings for `make run` (config/serve.py), read from the environment."""

import os

from prometheus_client import multiprocess

from config.env import PORT, env
from config.settings.observability import (
    LOG_CONSOLE,
    LOG_FILTERS,
    LOG_FORMAT,
    LOG_JSON_FORMATTER,
)

bind = f"{env.str('HOST', default='127.0.0.1')}:{PORT}"
workers = env.int("WEB_CONCURRENCY", default=2)
threads = env.int("WEB_THREADS", default=4)
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
if LOG_FORMAT == "json":
    # gunicorn's own lines (start-up, worker exits, the access log) as JSON too, masked.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": LOG_FILTERS,
        "formatters": {"json": LOG_JSON_FORMATTER},
        "handlers": {"console": {**LOG_CONSOLE, "stream": "ext://sys.stderr"}},
        "root": {"level": "INFO", "handlers": []},
        "loggers": {
            name: {"level": "INFO", "handlers": ["console"], "propagate": False}
            for name in ("gunicorn.error", "gunicorn.access")
        },
    }


def post_worker_init(worker: object) -> None:
    from config.gc import tune_after_startup

    tune_after_startup()


def child_exit(server: object, worker: object) -> None:
    """A web worker exited: its live gauges leave the Prometheus multiprocess files (counters
    stay, as Prometheus expects)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
