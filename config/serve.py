"""Run the web server and the Celery worker together in the foreground (`make run`).

Both stay in this process's process group, so a signal to the group reaches everything. Ctrl-C
or SIGTERM stops both gracefully (SIGKILL after a grace period); if one of them dies, the other
is stopped too and the exit status says so.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

from config.env import DATA_DIR

GRACE_SECONDS = 20


def commands() -> dict[str, list[str]]:
    return {
        "web": ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.py"],
        "worker": [
            "celery",
            "--app",
            "config",
            "worker",
            "--beat",
            "--loglevel",
            "INFO",
            "--schedule",
            str(DATA_DIR / "celerybeat-schedule"),
        ],
    }


def metrics_directory() -> None:
    """Prometheus' multiprocess mode: every process (gunicorn's workers, Celery's) writes its
    counts under DATA_DIR/metrics, emptied here at start (counts from a former run would add
    up with this one's), and /metrics sums them."""
    directory = os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(DATA_DIR / "metrics"))
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory, exist_ok=True)


def main() -> int:
    metrics_directory()
    processes = {name: subprocess.Popen(argv) for name, argv in commands().items()}  # noqa: S603
    stopping = False

    def stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    status = 0
    while not stopping:
        exited = {name: p.returncode for name, p in processes.items() if p.poll() is not None}
        if exited:
            for name, code in exited.items():
                print(f"serve: {name} exited with status {code}; stopping", file=sys.stderr)
            status = 1
            break
        time.sleep(0.2)

    for process in processes.values():
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + GRACE_SECONDS
    for process in processes.values():
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return status


if __name__ == "__main__":
    sys.exit(main())
