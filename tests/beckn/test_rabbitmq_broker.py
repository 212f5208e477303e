"""RabbitMQ as the broker (CELERY_BROKER_URL=amqp://...): a search is answered by a real Celery
worker consuming from RabbitMQ, with a signed on_search, as with Redis or the embedded broker.

Needs a RabbitMQ server (TEST_RABBITMQ_URL, by default guest/guest on 127.0.0.1:5672): skipped
when none answers, except in CI where .ci/run starts an installed one (and a server that is
installed but does not answer fails the test)."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kombu import Connection
from kombu.exceptions import OperationalError

from config.celery import app as celery_app
from tests.beckn.test_search_callbacks import on_search
from tests.conftest import Bap, in_ci, worker_started

pytestmark = [pytest.mark.usefixtures("demo_catalog", "core_spec_checked")]

RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parents[2]
BROKER_SETTINGS = ("broker_url", "broker_transport", "broker_transport_options")


def rabbitmq_missing() -> str:
    """Why no RabbitMQ can be used here ('' when one answers at RABBITMQ_URL)."""
    try:
        with Connection(RABBITMQ_URL, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
    except (OSError, OperationalError) as exc:
        return f"RabbitMQ does not answer at {RABBITMQ_URL}: {exc}"
    return ""


def connections_forgotten() -> None:
    """The app's pools of broker connections are dropped: the next publish connects anew, to the
    broker the configuration now names."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def rabbitmq_worker() -> Iterator[Any]:
    """A real Celery worker (in a thread) on RabbitMQ, the app publishing there too, for the
    test; the app's own broker again afterwards."""
    missing = rabbitmq_missing()
    if missing:
        if not shutil.which("rabbitmq-server") and not shutil.which("rabbitmqctl"):
            pytest.skip(f"RabbitMQ is not installed on this machine ({missing})")
        if in_ci():
            pytest.fail(f"RabbitMQ is installed but not running in CI: {missing}")
        pytest.skip(missing)
    saved = {name: celery_app.conf[name] for name in BROKER_SETTINGS}
    celery_app.conf.update(
        broker_url=RABBITMQ_URL, broker_transport=None, broker_transport_options={}
    )
    connections_forgotten()
    try:
        with worker_started(concurrency=2) as worker:
            yield worker
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_delete(celery_app.conf.task_default_queue)
    finally:
        celery_app.conf.update(saved)
        connections_forgotten()


def test_a_search_is_answered_through_rabbitmq(
    live_server: Any, bap: Bap, bpp_public_key: str, rabbitmq_worker: Any
) -> None:
    with celery_app.connection_for_write() as connection:
        assert connection.transport.driver_type == "amqp"
    assert rabbitmq_worker.app.connection_for_read().transport.driver_type == "amqp"

    answer = on_search(live_server, bap, bap.request(), bpp_public_key)

    assert answer["context"]["action"] == "on_search"
    assert [p["id"] for p in answer["message"]["catalog"]["providers"]] == ["sunpower_sf"]


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
    assert cache == "django.core.cache.backends.redis.RedisCache"  # Redis stays the cache
    assert settings_with(tmp_path, REDIS_URL=redis)[:2] == [redis, "config.redis_broker:Transport"]
    assert settings_with(tmp_path, CELERY_BROKER_URL=RABBITMQ_URL)[0] == RABBITMQ_URL
