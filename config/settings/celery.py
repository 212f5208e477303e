"""Celery: JSON only, late acks (tasks are idempotent), bounded time; the broker is
CELERY_BROKER_URL when set (RabbitMQ: amqp://...), else Redis (REDIS_URL), else embedded."""

from config.env import DATA_DIR, env
from config.settings.beckn import BECKN_OUTBOX_SWEEP_SECONDS
from config.settings.beckn_limits import BECKN_PRUNE_SECONDS
from config.settings.documents import DOCUMENTS_ISSUED_SWEEP_SECONDS

# A broker of its own (RabbitMQ, amqp://user:password@host:5672/vhost) whatever REDIS_URL says:
# Redis then stays the cache only.
_broker_url = env.str("CELERY_BROKER_URL", default="") or env.str("REDIS_URL", default="")

if _broker_url:
    CELERY_BROKER_URL = _broker_url
    if _broker_url.startswith("redis://"):  # (rediss:// keeps kombu's own transport and its TLS)
        CELERY_BROKER_TRANSPORT = "config.redis_broker:Transport"
    if _broker_url.startswith(("redis://", "rediss://")):
        CELERY_BROKER_TRANSPORT_OPTIONS = {
            "visibility_timeout": 600,
            "socket_timeout": 2,
            "socket_connect_timeout": 2,
        }
else:
    # Embedded mode: kombu's filesystem transport needs no server, only folders (config/broker.py
    # makes its messages appear whole).
    _broker_dir = DATA_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker_dir / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "sunbeckn-filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        "polling_interval": 0.05,
    }

CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Callbacks wait on other servers' answers: threads serve that I/O-bound work well.
CELERY_WORKER_POOL = env.str("CELERY_WORKER_POOL", default="threads")
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=8)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes every database connection before and after every task unless this
# is set (a new PostgreSQL connection per callback cost more than the callback); config/celery.py
# closes only those broken or older than CONN_MAX_AGE, as Django does around a request.
CELERY_DB_REUSE_MAX = 10**9
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker keeps trying to reach a broker that is down for good, instead of giving up.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# A broker that is down must not hang a request: publishing gives up quickly and the outbox
# sweep delivers the callback later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    "beckn-outbox-sweep": {
        "task": "beckn.tasks.outbox_sweep",
        "schedule": BECKN_OUTBOX_SWEEP_SECONDS,
    },
    "documents-issued-sweep": {
        "task": "documents.tasks.issued_documents_sweep",
        "schedule": DOCUMENTS_ISSUED_SWEEP_SECONDS,
    },
    "beckn-prune-message-log": {
        "task": "beckn.tasks.prune_message_log",
        "schedule": BECKN_PRUNE_SECONDS,
    },
}
