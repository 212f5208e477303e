"""Run the web server and the Celery workers together in the foreground (`make run`).

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


def worker_processes() -> int:
    """How many Celery worker processes to start: CELERY_WORKER_PROCESSES, by default one per
    CPU (at most 4). A worker process runs its callbacks on threads, which take turns at
    Python's lock: a second process is what lets them use a second CPU."""
    default = min(os.cpu_count() or 1, 4)
    return max(1, int(os.environ.get("CELERY_WORKER_PROCESSES") or default))


def commands() -> dict[str, list[str]]:
    found = {"web": ["gunicorn", "config.wsgi:application", "--config", "config/gunicorn.py"]}
    for number in range(1, worker_processes() + 1):
        worker = ["celery", "--app", "config", "worker", "--loglevel", "INFO"]
        worker += ["--hostname", f"worker{number}@%h"]
        if number == 1:  # exactly one beat, beside the first worker
            worker += ["--beat", "--schedule", str(DATA_DIR / "celerybeat-schedule")]
        found["worker" if number == 1 else f"worker{number}"] = worker
    return found


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
