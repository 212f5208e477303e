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


def post_worker_init(worker: object) -> None:
    from config.gc import tune_after_startup

    tune_after_startup()


def child_exit(server: object, worker: object) -> None:
    """A web worker exited: its live gauges leave the Prometheus multiprocess files (counters
    stay, as Prometheus expects)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(worker.pid)
