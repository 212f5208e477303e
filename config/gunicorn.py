"""Gunicorn settings for `make run` (config/serve.py), read from the environment."""

import os

from prometheus_client import multiprocess

from config.env import PORT, env

bind = f"{env.str('HOST', default='127.0.0.1')}:{PORT}"
workers = env.int("WEB_CONCURRENCY", default=2)
threads = env.int("WEB_THREADS", default=4)
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"
if env.str("LOG_FORMAT", default="plain") == "json":
    # gunicorn's own lines (start-up, worker exits, the access log) as JSON too, masked.
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "config.observability.logs.ContextFilter"},
            "masking": {"()": "config.observability.logs.MaskingFilter"},
        },
        "formatters": {"json": {"()": "config.observability.logs.JsonFormatter"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "filters": ["context", "masking"],
                "stream": "ext://sys.stderr",
            }
        },
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
