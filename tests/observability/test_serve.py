"""`make run` (config/serve.py): its processes share one Prometheus folder, empty at start; one
worker process per CPU, one of them with beat."""

from pathlib import Path

import pytest

from config import serve


def test_the_metrics_folder_is_emptied_and_named_for_the_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_4242.db").write_bytes(b"a former run's counts")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(folder))

    serve.metrics_directory()

    assert folder.is_dir() and not any(folder.iterdir())


def test_by_default_the_folder_is_under_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # (set first, so that the variable serve.py sets is removed again after the test)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    monkeypatch.setattr(serve, "DATA_DIR", tmp_path)

    serve.metrics_directory()

    assert (tmp_path / "metrics").is_dir()
    assert serve.os.environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "metrics")


def test_make_run_starts_one_worker_process_per_cpu_with_exactly_one_beat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CELERY_WORKER_PROCESSES", "3")
    workers = [argv for name, argv in serve.commands().items() if name.startswith("worker")]

    assert len(workers) == 3
    assert [argv.count("--beat") for argv in workers] == [1, 0, 0]
    hostnames = [argv[argv.index("--hostname") + 1] for argv in workers]
    assert len(set(hostnames)) == 3  # distinct node names: the workers do not clash

    monkeypatch.delenv("CELERY_WORKER_PROCESSES")
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 2)
    assert serve.worker_processes() == 2
