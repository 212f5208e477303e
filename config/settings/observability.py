"""Operations (config/observability/): metrics, traces, logs and errors, all read from the env.

Everything here is off or quiet on a bare machine: /metrics answers 404 until METRICS_TOKEN is
set, traces are exported only with OTEL_EXPORTER_OTLP_ENDPOINT, Sentry only with SENTRY_DSN.
"""

from config.env import env
from config.settings.accounts import EMAIL_BACKEND as _email_backend

# /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`; unset, it is a 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# A Celery worker on a host with no web server serves its counts itself on this port
# (config/observability/worker_server.py); 0: it does not.
METRICS_PORT = env.int("METRICS_PORT", default=0)
METRICS_HOST = env.str("METRICS_HOST", default="127.0.0.1")

# OpenTelemetry: traces go to <endpoint>/v1/traces (OTLP over HTTP) when the endpoint is set.
OTEL_EXPORTER_OTLP_ENDPOINT = env.str("OTEL_EXPORTER_OTLP_ENDPOINT", default="")
OTEL_SERVICE_NAME = env.str("OTEL_SERVICE_NAME", default="sunbeckn")

SENTRY_DSN = env.str("SENTRY_DSN", default="")
SENTRY_ENVIRONMENT = env.str("SENTRY_ENVIRONMENT", default="production")
SENTRY_TRACES_SAMPLE_RATE = env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0)

# E-mails go through a backend that counts what was sent and what failed, then hands them to
# the backend EMAIL_URL chose (config/settings/accounts.py).
OBSERVED_EMAIL_BACKEND = _email_backend
EMAIL_BACKEND = "config.observability.mail.ObservedEmailBackend"

# Logs: "plain" text for people (the default, as `make run` prints them), or "json", one object
# per line for a log pipeline (production). Both are masked (config/observability/masking.py).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
# The filters every log handler has: the ids of the work under way, then the masking.
LOG_FILTERS = {
    "context": {"()": "config.observability.logs.ContextFilter"},
    "masking": {"()": "config.observability.logs.MaskingFilter"},
}
LOG_CONSOLE = {
    "class": "logging.StreamHandler",
    "formatter": "json" if LOG_FORMAT == "json" else "plain",
    "filters": list(LOG_FILTERS),
}
LOG_JSON_FORMATTER = {"()": "config.observability.logs.JsonFormatter"}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": LOG_FILTERS,
    "formatters": {
        "plain": {
            "()": "config.observability.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s%(context_suffix)s",
        },
        "json": LOG_JSON_FORMATTER,
    },
    "handlers": {"console": LOG_CONSOLE},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
