"""The worker keeps its database connection from one task to the next (Celery's Django fixup
would open a new one per task), and closes one that an error broke."""

from types import SimpleNamespace

import pytest
from django.db import connection

from config import celery as worker_config


def task_ends(*, eager: bool = False) -> None:
    task = SimpleNamespace(request=SimpleNamespace(is_eager=eager))
    worker_config._database_connections_checked(task=task)


def test_celery_leaves_the_connections_to_us() -> None:
    assert worker_config.app.conf.get("CELERY_DB_REUSE_MAX") >= 10**9


@pytest.mark.django_db(transaction=True)
def test_a_sound_connection_is_kept_and_a_broken_one_closed() -> None:
    connection.ensure_connection()
    kept = connection.connection
    connection.close_at = None  # within CONN_MAX_AGE (the test settings may keep none)
    task_ends()
    assert connection.connection is kept

    connection.errors_occurred = True
    connection.health_check_enabled = False  # closed whatever the server says
    connection.close_at = 0
    task_ends()
    assert connection.connection is None


@pytest.mark.django_db
def test_a_task_run_in_the_callers_thread_leaves_its_connection_alone() -> None:
    connection.ensure_connection()
    kept = connection.connection
    connection.close_at = 0  # obsolete, but inside the caller's transaction
    task_ends(eager=True)
    assert connection.connection is kept
