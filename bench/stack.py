"""Run the product exactly as a newcomer does (`make run`) for smoke tests and benchmarks.

    with Stack(env={"BECKN_REGISTRY_URL": registry.url}) as stack:
        requests.get(stack.base_url + "/healthz")

`make run` starts in its own process group (session), with PORT on a free port and DATA_DIR in a
fresh temporary folder; its output goes to a log file (`stack.log_path`), printed when the stack
does not come up. On exit the whole group gets SIGTERM, then SIGKILL after `stop_timeout` seconds.
The caller's environment is passed through (DATABASE_URL / REDIS_URL switch the product to
PostgreSQL / Redis); in `env`, a value of None removes a variable from it.

Crash and restart: `kill()` SIGKILLs the whole group at once, as a power cut would, and leaves
DATA_DIR and the log in place; a second Stack started on the same data takes over:

    first = Stack(data_dir=data_dir, env=env, log_path=log_path)
    first.start(); ...; first.kill()
    second = Stack(port=first.port, data_dir=data_dir, env=env, log_path=log_path)

A Stack never deletes a DATA_DIR or log it was given (only the temporary ones it made), so both
outlive the two stacks; the second one appends to the same log. With the same `env`, the second
stack also uses the same DATABASE_URL / REDIS_URL (or the caller's, when `env` does not set them).

Also shared by the benchmarks: `Callbacks` (what a fake BAP accepted, checked as a BAP would),
`percentile` and `fresh_database`.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import requests

from beckn import signing

if TYPE_CHECKING:
    from beckn.peers import CallbackServer

REPO_ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def quiet_disconnects(*servers: Any) -> None:
    """Silence the tracebacks beckn.peers servers print when a keep-alive client hangs up.

    The BPP keeps HTTP connections to the registry and the BAP open; when the stack stops they
    are reset, and socketserver prints a ConnectionResetError for each. Other errors still print.
    """
    for server in servers:
        httpd = server.httpd
        original = httpd.handle_error

        def handle_error(request: Any, client_address: Any, _original: Any = original) -> None:
            if isinstance(sys.exc_info()[1], ConnectionError):
                return
            _original(request, client_address)

        httpd.handle_error = handle_error


def _group_pids(pgid: int) -> list[int]:
    """The processes of the group that are alive (zombies, which hold nothing, excepted)."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group is alive (zombies, which hold nothing, excepted)."""
    return bool(_group_pids(pgid))


class StackError(RuntimeError):
    """The stack did not come up (or died); the message includes the end of its log."""


class Stack:
    def __init__(
        self,
        *,
        port: int | None = None,
        data_dir: str | os.PathLike[str] | None = None,
        env: Mapping[str, str | None] | None = None,
        timeout: float = 180.0,
        stop_timeout: float = 15.0,
        log_path: str | os.PathLike[str] | None = None,
        keep_log: bool = False,
        quiet: bool = False,
    ) -> None:
        self.port = port or free_port()
        self._own_data_dir = data_dir is None
        self.data_dir = (
            Path(data_dir) if data_dir else Path(tempfile.mkdtemp(prefix="sunbeckn-stack-data-"))
        )
        self.extra_env = dict(env or {})
        self.timeout = timeout
        self.stop_timeout = stop_timeout
        self._own_log = log_path is None
        if log_path is None:
            fd, name = tempfile.mkstemp(prefix="sunbeckn-stack-", suffix=".log")
            os.close(fd)
            log_path = name
        self.log_path = Path(log_path)
        self.keep_log = keep_log
        self.quiet = quiet
        self.process: subprocess.Popen[bytes] | None = None
        self.health: dict[str, Any] = {}
        self._failed = False

    # -- public -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Stack:
        env = os.environ.copy()
        # The product chooses its own settings; a caller's (pytest-django's test settings, say)
        # would send `make run`'s steps to different databases.
        env.pop("DJANGO_SETTINGS_MODULE", None)
        for name, value in self.extra_env.items():
            if value is None:
                env.pop(name, None)
            else:
                env[name] = value
        env["PORT"] = str(self.port)
        env["DATA_DIR"] = str(self.data_dir)
        self._log(
            f"stack: `make run` in {REPO_ROOT} on port {self.port}, DATA_DIR={self.data_dir},"
            f" log {self.log_path}"
        )
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                ["make", "run"],  # noqa: S607
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_healthy()
        except BaseException:
            self._failed = True
            self.stop()
            raise
        return self

    def stop(self) -> None:
        """SIGTERM to the process group, up to `stop_timeout` s, then SIGKILL. Idempotent.

        `make run` keeps the web server and the worker in its process group, so the group is
        everything the stack started.
        """
        process, self.process = self.process, None
        if process is not None:
            pgid = process.pid  # start_new_session: the leader's pid is the group id
            self._signal_group(pgid, signal.SIGTERM)
            self._signal_group(pgid, signal.SIGCONT)  # a paused worker must see the SIGTERM
            deadline = time.monotonic() + self.stop_timeout
            while time.monotonic() < deadline and (process.poll() is None or _group_alive(pgid)):
                time.sleep(0.1)
            if process.poll() is None or _group_alive(pgid):
                self._log(f"stack: still running after {self.stop_timeout:.0f} s, SIGKILL")
                self._signal_group(pgid, signal.SIGKILL)
                process.wait(timeout=5)
        if self._failed:
            self._log(f"stack: kept DATA_DIR {self.data_dir} and log {self.log_path}")
            return
        if self._own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        if self._own_log and not self.keep_log:
            self.log_path.unlink(missing_ok=True)

    def kill(self) -> None:
        """SIGKILL the whole process group at once: no SIGTERM, no grace period, no cleanup.

        Web server, worker and beat die together, mid-request or mid-delivery, as in a power
        cut or an OOM kill. DATA_DIR and the log stay as they are, so a second Stack can start
        on them; `stop()` after `kill()` only does the cleanup of a Stack's own temporary files.
        Returns when no process of the group is left (or after 10 s).
        """
        process, self.process = self.process, None
        if process is None:
            return
        pgid = process.pid  # start_new_session: the leader's pid is the group id
        self._signal_group(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._log(f"stack: process group {pgid} killed (SIGKILL)")

    def processes(self) -> dict[int, str]:
        """pid -> command line of every live process of the stack's group (web, worker...)."""
        if self.process is None:
            return {}
        found = {}
        for pid in _group_pids(self.process.pid):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
                    found[pid] = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
        return found

    def worker_pids(self) -> list[int]:
        """The Celery worker's processes (with the threads pool, one)."""
        return [
            pid for pid, cmd in self.processes().items() if " worker" in cmd and "celery" in cmd
        ]

    def web_pids(self) -> list[int]:
        """gunicorn's master and workers."""
        return [pid for pid, cmd in self.processes().items() if "gunicorn" in cmd]

    def pause_worker(self) -> None:
        """SIGSTOP the Celery worker: tasks wait in the broker, callbacks in the outbox, and
        the worker uses no CPU (benchmarks of the ACK path alone). `resume_worker` undoes it."""
        for pid in self.worker_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)

    def resume_worker(self) -> None:
        for pid in self.worker_pids():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)

    @property
    def running(self) -> bool:
        """Whether `make run` (the group's leader) is still running."""
        return self.process is not None and self.process.poll() is None

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as exc:
            return f"(cannot read {self.log_path}: {exc})"
        return "\n".join(text.splitlines()[-lines:])

    def print_log(self, lines: int = 80, file: Any = None) -> None:
        file = file or sys.stderr
        print(f"---- last {lines} lines of {self.log_path} ----", file=file)
        print(self.log_tail(lines), file=file)
        print("---- end of log ----", file=file)

    def mark_failed(self) -> None:
        """Keep the temporary DATA_DIR and log at exit (for inspection after a failed run)."""
        self._failed = True

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            self._failed = True
        self.stop()

    # -- internals ----------------------------------------------------------------------------

    def _wait_healthy(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.timeout
        last = "no answer yet"
        while True:
            code = self.process.poll()
            if code is not None:
                self.print_log()
                raise StackError(
                    f"`make run` exited with status {code} before /healthz answered 200 "
                    f"(log: {self.log_path})"
                )
            try:
                response = requests.get(self.base_url + "/healthz", timeout=3)
                if response.status_code == 200:
                    self.health = response.json()
                    self._log(f"stack: healthy at {self.base_url} {self.health}")
                    return
                last = f"HTTP {response.status_code}: {response.text[:300]}"
            except requests.RequestException as exc:
                last = f"{type(exc).__name__}"
            if time.monotonic() > deadline:
                self.print_log()
                raise StackError(
                    f"/healthz did not answer 200 within {self.timeout:.0f} s (last: {last}; "
                    f"log: {self.log_path})"
                )
            time.sleep(0.5)

    @staticmethod
    def _signal_group(pgid: int, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)

    def _log(self, message: str) -> None:
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class Callbacks:
    """The callbacks a beckn.peers CallbackServer accepted, checked as a BAP would check them.

    A callback counts as delivered (`count`, `first`, `last`: per message_id, received_at in
    time.monotonic()) only when its path and action are `action` and it is signed with
    `public_key` under `subscriber_id|key_id`; any other goes to `invalid` (message_id, or
    #index when the body is not JSON -> the problem).
    """

    def __init__(
        self,
        server: CallbackServer,
        public_key: str,
        subscriber_id: str,
        key_id: str,
        action: str = "on_search",
    ) -> None:
        self.server = server
        self.public_key = public_key
        self.key = (subscriber_id, key_id)
        self.action = action
        self.count: Counter[str] = Counter()
        self.first: dict[str, float] = {}
        self.last: dict[str, float] = {}
        self.invalid: dict[str, str] = {}
        self._seen = 0

    @property
    def duplicates(self) -> int:
        """Valid callbacks received for a message_id that already had one."""
        return sum(n - 1 for n in self.count.values())

    def poll(self) -> None:
        batch = self.server.all[self._seen :]
        for index, callback in enumerate(batch, start=self._seen):
            try:
                context = callback.payload.get("context") or {}
            except ValueError:
                self.invalid[f"#{index}"] = "the body is not JSON"
                continue
            message_id = str(context.get("message_id", ""))
            problem = self._problem(callback, context)
            if problem:
                self.invalid[message_id] = problem
                continue
            self.count[message_id] += 1
            self.first.setdefault(message_id, callback.received_at)
            self.last[message_id] = callback.received_at
        self._seen += len(batch)
        # We read `all`, not the queue: keep the queue from growing.
        while True:
            try:
                self.server.received.get_nowait()
            except queue.Empty:
                break

    def _problem(self, callback: Any, context: dict[str, Any]) -> str:
        if not callback.path.endswith(f"/{self.action}"):
            return f"path {callback.path}"
        if context.get("action") != self.action:
            return f"action {context.get('action')!r}"
        try:
            header = callback.verify(self.public_key)
        except signing.SignatureError as exc:
            return f"signature: {exc}"
        if (header.subscriber_id, header.unique_key_id) != self.key:
            return f"keyId {header.subscriber_id}|{header.unique_key_id}"
        return ""

    def wait_for(self, message_ids: list[str], deadline: float, stack: Stack | None = None) -> bool:
        """Poll until every message_id has a valid callback or `deadline` (time.monotonic())
        passes, or `stack` is no longer running (then a second more, for callbacks on the
        wire)."""
        wanted = set(message_ids)
        while True:
            self.poll()
            if wanted <= self.first.keys():
                return True
            if time.monotonic() >= deadline:
                return False
            if stack is not None and not stack.running:
                deadline = min(deadline, time.monotonic() + 1)
            time.sleep(0.02)


def fresh_database(url: str, suffix: str = "") -> str:
    """A fresh, empty database beside the one of a postgres:// url, named after it + `suffix`
    (dropped and created anew; with no suffix, the url's own database); any other url is
    returned unchanged. The server's own databases (postgres, template0/1) are refused."""
    if not url.startswith(("postgres://", "postgresql://")):
        return url
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + suffix
    if not re.fullmatch(r"[A-Za-z0-9_]+", name) or name in ("postgres", "template0", "template1"):
        raise SystemExit(
            f"the database url must name a dedicated database of letters, digits and _, "
            f"not {name!r}: {url}"
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return urlunsplit(parts._replace(path=f"/{name}"))
