"""What an operator sees of a running Sunbeckn: metrics, traces, logs and errors.

- metrics.py: Prometheus counters and histograms, and the gauges read from the database at
  scrape time; views.py serves them at /metrics to the holder of METRICS_TOKEN.
- tracing.py: OpenTelemetry spans from the inbound request through the Celery task to the
  signed callback, exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
- context.py: the request id and the Beckn ids of the work under way (logs, spans, tasks).
- logs.py and masking.py: one JSON object per line (LOG_FORMAT=json) or plain text, with
  signatures, keys, tokens, documents and billing details masked.
- errors.py: Sentry, when SENTRY_DSN is set, masked the same way.
- signals.py: the Celery hooks that carry the trace and the request id to the worker.
"""
