"""Gunicorn settings for `make run` (config/serve.py), read from the environment."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
timeout = 30
graceful_timeout = 10
accesslog = "-"
errorlog = "-"


def post_worker_init(worker: object) -> None:
    from config.gc import tune_after_startup

    tune_after_startup()
