"""The long-running processes tune the garbage collector once loaded (config/gc.py)."""

import gc
from collections.abc import Iterator

import pytest

from config import gunicorn
from config.celery import _garbage_collector_tune
from config.gc import tune_after_startup


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.set_threshold(*threshold)
    gc.unfreeze()


def test_the_loaded_objects_are_frozen_and_the_default_thresholds_applied(monkeypatch) -> None:
    monkeypatch.delenv("PYTHON_GC_THRESHOLD", raising=False)
    gc.unfreeze()

    tune_after_startup()

    assert gc.get_threshold() == (20000, 50, 100)
    assert gc.get_freeze_count() > 0


@pytest.mark.parametrize("value, expected", [("700,10,10", (700, 10, 10)), ("", None)])
def test_python_gc_threshold_sets_or_keeps_the_thresholds(monkeypatch, value, expected) -> None:
    before = gc.get_threshold()
    monkeypatch.setenv("PYTHON_GC_THRESHOLD", value)

    tune_after_startup()

    assert gc.get_threshold() == (expected or before)


def test_gunicorn_workers_and_the_celery_worker_tune_it(monkeypatch) -> None:
    monkeypatch.setenv("PYTHON_GC_THRESHOLD", "900,9,9")
    gunicorn.post_worker_init(object())
    assert gc.get_threshold() == (900, 9, 9)

    monkeypatch.setenv("PYTHON_GC_THRESHOLD", "800,8,8")
    _garbage_collector_tune()
    assert gc.get_threshold() == (800, 8, 8)
