"""`make run` (config/serve.py) gives its processes one Prometheus folder, empty at start."""

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
