"""Switch on, in a web or worker process, what the environment configures: traces, Sentry."""

from config.observability.errors import errors_start
from config.observability.tracing import tracing_start


def observability_start() -> None:
    """Called once per process: by config/wsgi.py, and by the Celery worker (and each of its
    child processes) when it starts. Does nothing when nothing is configured."""
    tracing_start()
    errors_start()
