"""RabbitMQ as the broker (CELERY_BROKER_URL=amqp://...): the settings make it the broker whatever
REDIS_URL says, Redis staying the cache.

A live worker on RabbitMQ inside the test process was tried and removed: switching the shared
Celery app's broker under the session's worker left that worker deaf in production mode."""

import os
import subprocess
import sys
from pathlib import Path

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parents[2]


def settings_with(tmp_path: Path, **variables: str) -> list[str]:
    """The broker URL, its transport and the cache backend the settings read from `variables`."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    env.update(variables, DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.django.base")
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CELERY_BROKER_URL); print(getattr(s, 'CELERY_BROKER_TRANSPORT', '')); "
        "print(s.CACHES['default']['BACKEND'])"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_celery_broker_url_is_the_broker_whatever_redis_url_says(tmp_path: Path) -> None:
    redis = "redis://127.0.0.1:6379/0"
    broker, transport, cache = settings_with(
        tmp_path, REDIS_URL=redis, CELERY_BROKER_URL=RABBITMQ_URL
    )
    assert (broker, transport) == (RABBITMQ_URL, "")
    assert cache == "config.redis_cache.RedisCache"  # Redis stays the cache
    assert settings_with(tmp_path, REDIS_URL=redis)[:2] == [redis, "config.redis_broker:Transport"]
    assert settings_with(tmp_path, CELERY_BROKER_URL=RABBITMQ_URL)[0] == RABBITMQ_URL
