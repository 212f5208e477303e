"""Prometheus metrics counted where things happen (web and worker processes).

With PROMETHEUS_MULTIPROC_DIR set (config/serve.py sets it under DATA_DIR and empties it at
start; config/gunicorn.py marks exited web workers dead), every process writes its counts
there and /metrics adds them up, so the numbers are right across gunicorn workers and Celery
processes. Unset (tests, one process), they live in this process. The gauges read from the
database at scrape time are in gauges.py.

Label values are bounded: actions are the Beckn actions we serve (anything else is "other"),
codes the BECKN-005 codes, BAPs the subscribers that passed authentication.
"""

from prometheus_client import Counter, Histogram

from beckn.inbound.serializers import MESSAGE_SERIALIZERS

# Every metric name this module and gauges.py export (tests check the dashboards against it).
PREFIX = "sunbeckn_"
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CALLBACK_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

BECKN_REQUESTS = Counter(
    "sunbeckn_beckn_requests",
    "Beckn requests answered, by action and answer (ACK or NACK).",
    ["action", "answer"],
)
BECKN_ACK_SECONDS = Histogram(
    "sunbeckn_beckn_ack_seconds",
    "Time from a Beckn request's arrival to its ACK or NACK, by action.",
    ["action"],
    buckets=ACK_BUCKETS,
)
BECKN_NACKS = Counter(
    "sunbeckn_beckn_nacks",
    "Beckn requests NACKed, by action and BECKN-005 error code.",
    ["action", "code"],
)
CALLBACKS_SENT = Counter(
    "sunbeckn_callbacks_sent",
    "Callbacks the BAP accepted, by action and BAP.",
    ["action", "bap_id"],
)
CALLBACKS_RETRIED = Counter(
    "sunbeckn_callbacks_retried",
    "Failed callback attempts that will be retried, by action and BAP.",
    ["action", "bap_id"],
)
CALLBACKS_DEAD = Counter(
    "sunbeckn_callbacks_dead",
    "Callbacks given up on (attempts exhausted or refused for good), by action and BAP.",
    ["action", "bap_id"],
)
CALLBACK_SECONDS = Histogram(
    "sunbeckn_callback_attempt_seconds",
    "Duration of one callback delivery attempt (compose, sign, POST), by action.",
    ["action"],
    buckets=CALLBACK_BUCKETS,
)
REGISTRY_LOOKUPS = Counter(
    "sunbeckn_registry_lookups",
    "Signer keys looked up, by where the key came from: local (this process's copy), cache "
    "(the shared cache), registry (asked the registry), stale (registry down, cached key used) "
    "or failed.",
    ["source"],
)
RATE_LIMITED = Counter(
    "sunbeckn_rate_limited", "Requests refused by a rate limit, by the limit's scope.", ["scope"]
)
EMAILS_SENT = Counter("sunbeckn_emails_sent", "E-mails handed to the mail server.")
EMAILS_FAILED = Counter("sunbeckn_emails_failed", "E-mails the mail server did not take.")

REGISTRY_SOURCES = ("local", "cache", "registry", "stale", "failed")


def beckn_action(action: str) -> str:
    """The label of an action: one we serve, or "other" (a caller picks the URL)."""
    return action if action in MESSAGE_SERIALIZERS else "other"


def beckn_answered(*, action: str, code: str | None, seconds: float) -> None:
    """A Beckn request was answered: ACKed (`code` None) or NACKed with `code`."""
    label = beckn_action(action)
    BECKN_REQUESTS.labels(label, "ACK" if code is None else "NACK").inc()
    BECKN_ACK_SECONDS.labels(label).observe(seconds)
    if code is not None:
        BECKN_NACKS.labels(label, code[:8]).inc()


def callback_outcome(*, action: str, bap_id: str, outcome: str) -> None:
    """A callback delivery attempt ended: "sent", "retried" or "dead"."""
    counter = {"sent": CALLBACKS_SENT, "retried": CALLBACKS_RETRIED, "dead": CALLBACKS_DEAD}
    counter[outcome].labels(action, bap_id).inc()


def registry_lookup(source: str) -> None:
    """A signer's key was found at `source` (one of REGISTRY_SOURCES)."""
    REGISTRY_LOOKUPS.labels(source).inc()


def rate_limited(scope: str) -> None:
    """A request was refused by the rate limit of `scope` (e.g. "bap", "ip", "login")."""
    RATE_LIMITED.labels(scope).inc()
