"""Garbage-collector settings of the long-running processes (gunicorn workers, Celery worker).

An on_search of 100 items builds about 900 model instances; with CPython's default thresholds
that triggers collections which, every so often, walk every object of the process, Django's
own included: the slowest searches spent more time there than in the search (bench/
catalog_search.py at 100k items: p95 134 ms → 59 ms). Once the application is loaded, its
objects are frozen out of the collector's walks and the youngest generation is collected less
often; `PYTHON_GC_THRESHOLD` ("" leaves CPython's defaults) sets the three thresholds.
"""

import gc

from config.env import env

DEFAULT_THRESHOLD = "20000,50,100"


def tune_after_startup() -> None:
    """Freeze what is loaded so far and apply PYTHON_GC_THRESHOLD (call once the app is up)."""
    threshold = env.str("PYTHON_GC_THRESHOLD", default=DEFAULT_THRESHOLD).strip()
    if threshold:
        gc.set_threshold(*(int(part) for part in threshold.split(",")))
    gc.freeze()
