"""Resilience targets of the product run as `make run`: crash, Redis down, database down, slow BAP.

    .venv/bin/python bench/resilience.py [--scenario crash|redis-down|db-down|slow-bap|all]
                                         [--requests N=100] [--mode embedded|production]

Every scenario plays the network with beckn.peers (a fake registry and fake BAPs on 127.0.0.1),
starts the product with bench.stack.Stack (`make run` in its own process group) and prints its
figures and one PASS/FAIL line per target:

  crash       N unique signed searches are ACKed while the BAP answers 503 (after
              --bap-503-delay s), then, with a callback attempt in flight, the whole process
              group is SIGKILLed; the BAP recovers and `make run` starts again on the same
              DATA_DIR and port (and database/broker): every ACKed search gets exactly one
              on_search, signed with the BPP key, within --recovery-timeout s of the restart.
  redis-down  PostgreSQL (--database-url, dropped and created afresh) and a private redis-server
              on a free port; Redis is stopped: /healthz says 503 / broker unreachable, each of N
              searches is answered (ACK or NACK) within --answer-target s; Redis starts again on
              the same port (empty, as after a restart without persistence): every ACKed search
              gets its on_search within --recovery-timeout s.
  db-down     PostgreSQL reached through a TCP proxy in this script, a private Redis broker
              (or --db-down-broker filesystem); the proxy refuses connections (--db-outage
              refuse) or silently stops forwarding (blackhole): each of N searches gets HTTP 503
              with a NACK body within --answer-target s, /healthz 503 with database.reachable
              false and the broker reachable; the proxy opens again: a search is ACKed and
              answered.
  slow-bap    a BAP that holds every callback connection open, and a fast one: --slow-searches
              searches from the fast BAP alone (baseline), then as many from the hanging BAP,
              then from the fast one again: the fast BAP's callbacks must all arrive while the
              hanging BAP still holds its connections, with p99 send -> on_search within
              --fast-p99-target s and at most --fast-margin s over the baseline; the BPP must
              hold no more than --max-in-flight connections to the hanging BAP.

--mode production runs crash and slow-bap on PostgreSQL (--database-url) and a private Redis
instead of the embedded SQLite and filesystem broker. Processes started here (stacks, redis-server,
the proxy's threads) are stopped on the way out, on failure too.

Exit status: 0 when every target is met, 1 when one is missed, 2 when a stack did not start.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import os
import re
import select
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import psycopg  # noqa: E402
import requests  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

from beckn import signing  # noqa: E402
from beckn.peers import ACK, BapIdentity, CallbackServer, Registry  # noqa: E402
from bench.beckn_search import Signed, sign_searches  # noqa: E402
from bench.stack import (  # noqa: E402
    Callbacks,
    Stack,
    StackError,
    free_port,
    fresh_database,
    percentile,
    quiet_disconnects,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sunbeckn_resilience"
SCENARIOS = ("crash", "redis-down", "db-down", "slow-bap")
EMBEDDED = {"DATABASE_URL": None, "REDIS_URL": None}  # None: removed from make run's environment


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.0f} ms"


def clock() -> str:
    """Wall-clock time as the product's log writes it, to read the figures against the log."""
    now = time.time()
    return time.strftime("%H:%M:%S", time.localtime(now)) + f",{int(now % 1 * 1000):03d}"


# -- reporting ------------------------------------------------------------------------------------


class Report:
    """Figures and PASS/FAIL lines of one scenario, printed as they come."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[str] = []
        self.error = ""
        print(f"\n=== {name} ===", flush=True)

    def figure(self, label: str, value: object) -> None:
        print(f"  {label}: {value}", flush=True)

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        if ok:
            print(f"  PASS  {what}", flush=True)
        else:
            print(f"  FAIL  {what}" + (f": {detail}" if detail else ""), flush=True)
            self.problems.append(what + (f": {detail}" if detail else ""))
        return ok

    @property
    def passed(self) -> bool:
        return not self.problems and not self.error


# -- the BPP's identity and the network's peers ---------------------------------------------------


@dataclass
class Bpp:
    """The signing identity given to `make run`, so that callbacks can be verified."""

    key: SigningKey = field(default_factory=SigningKey.generate)
    subscriber_id: str = "sunbeckn-resilience.localhost"
    key_id: str = field(default_factory=lambda: f"resilience-{uuid.uuid4().hex[:8]}")

    @property
    def public_key(self) -> str:
        return signing.public_key_base64(self.key)

    def env(self, registry_url: str) -> dict[str, str | None]:
        return {
            "BECKN_REGISTRY_URL": registry_url,
            "BECKN_SIGNING_PRIVATE_KEY": base64.b64encode(bytes(self.key)).decode(),
            "BECKN_UNIQUE_KEY_ID": self.key_id,
            "BECKN_SUBSCRIBER_ID": self.subscriber_id,
        }

    def callbacks(self, server: CallbackServer) -> Callbacks:
        """The on_search callbacks `server` accepts, checked against this identity."""
        return Callbacks(server, self.public_key, self.subscriber_id, self.key_id)


class StrugglingBap:
    """A BAP's answer to callbacks (a CallbackServer's status_for): until `recovered` is set,
    each attempt is held up to `hold` s, then refused with 503; 200 after."""

    def __init__(self, hold: float) -> None:
        self.hold = hold
        self.recovered = threading.Event()
        self.refused: list[float] = []  # when each refused attempt arrived
        self.in_flight = 0  # attempts being held right now
        self._lock = threading.Lock()

    def __call__(self, callback: Any) -> int:
        if self.recovered.is_set():
            return 200
        with self._lock:
            self.in_flight += 1
        try:
            self.recovered.wait(self.hold)
        finally:
            with self._lock:
                self.in_flight -= 1
        self.refused.append(callback.received_at)
        return 503


def network(cleanup: contextlib.ExitStack, count: int = 1) -> tuple[Registry, list[Any]]:
    """A fake registry and `count` fake BAPs (CallbackServer, BapIdentity) registered in it."""
    registry = cleanup.enter_context(Registry())
    baps = []
    for _ in range(count):
        server = cleanup.enter_context(CallbackServer())
        identity = BapIdentity()
        registry.entries.append(identity.registry_entry(url=server.bap_uri))
        quiet_disconnects(server)
        baps.append((server, identity))
    quiet_disconnects(registry)
    return registry, baps


# -- sending searches -----------------------------------------------------------------------------


@dataclass
class Answer:
    message_id: str
    sent_at: float
    latency: float
    status: int  # HTTP status, 0 when no HTTP answer came
    body: Any = None
    error: str = ""

    @property
    def ack(self) -> bool:
        return self.status == 200 and self.body == ACK

    @property
    def nack(self) -> bool:
        try:
            return self.body["message"]["ack"]["status"] == "NACK"
        except (TypeError, KeyError):
            return False

    @property
    def label(self) -> str:
        if self.status == 0:
            return f"no answer ({self.error})"
        if self.ack:
            return "HTTP 200 ACK"
        if self.nack:
            code = (self.body.get("error") or {}).get("code", "?")
            return f"HTTP {self.status} NACK code {code}"
        return f"HTTP {self.status} not a Beckn answer"


def send_all(
    url: str, signed: list[Signed], message_ids: list[str], concurrency: int, timeout: float
) -> list[Answer]:
    """POST every signed request with `concurrency` threads; answers in send order."""
    answers: list[Answer | None] = [None] * len(signed)
    indexes = iter(range(len(signed)))
    lock = threading.Lock()

    def worker() -> None:
        with requests.Session() as session:
            while True:
                with lock:
                    index = next(indexes, None)
                if index is None:
                    return
                body, headers = signed[index]
                sent_at = time.monotonic()
                try:
                    response = session.post(url, data=body, headers=headers, timeout=timeout)
                    latency = time.monotonic() - sent_at
                    try:
                        parsed = response.json()
                    except ValueError:
                        parsed = None
                    answer = Answer(message_ids[index], sent_at, latency, response.status_code)
                    answer.body = parsed
                    if parsed is None:
                        answer.error = response.text[:200]
                except requests.RequestException as exc:
                    latency = time.monotonic() - sent_at
                    error = f"{type(exc).__name__}: {exc}"[:200]
                    answer = Answer(message_ids[index], sent_at, latency, 0, error=error)
                answers[index] = answer

    threads = [
        threading.Thread(target=worker, daemon=True)
        for _ in range(max(1, min(concurrency, len(signed))))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout * len(signed) + 10)
    return [a for a in answers if a is not None]


def search_once(
    url: str, identity: BapIdentity, bap_uri: str, timeout: float = 10
) -> tuple[Answer, str]:
    signed, ids = sign_searches(identity, bap_uri, 1)
    return send_all(url, signed, ids, 1, timeout)[0], ids[0]


def report_slowest(report: Report, answers: list[Answer], target: float) -> None:
    """The answers slower than `target`, slowest first (up to 5), with when they were sent."""
    slow = sorted((a for a in answers if a.latency > target), key=lambda a: -a.latency)
    if not slow:
        return
    start = min(a.sent_at for a in answers)
    report.figure(f"answers slower than {target:g} s", f"{len(slow)} of {len(answers)}")
    for a in slow[:5]:
        print(f"      | sent at +{a.sent_at - start:.2f} s: {ms(a.latency)}, {a.label}", flush=True)


def answer_labels(answers: list[Answer]) -> str:
    counts = Counter(a.label for a in answers)
    return ", ".join(f"{n} x {label}" for label, n in counts.most_common())


def latency_summary(answers: list[Answer]) -> str:
    values = [a.latency for a in answers]
    if not values:
        return "-"
    return (
        f"p50 {ms(percentile(values, 50))}, p99 {ms(percentile(values, 99))}, "
        f"max {ms(max(values))} over {len(values)} requests"
    )


@dataclass
class Health:
    status: int
    latency: float
    body: Any

    def reachable(self, part: str) -> object:
        try:
            return self.body[part]["reachable"]
        except (TypeError, KeyError):
            return None

    def __str__(self) -> str:
        return f"HTTP {self.status} in {ms(self.latency)}: {json.dumps(self.body)}"


def healthz(stack: Stack, timeout: float = 35) -> Health:
    started = time.monotonic()
    try:
        response = requests.get(stack.base_url + "/healthz", timeout=timeout)
    except requests.RequestException as exc:
        return Health(0, time.monotonic() - started, f"{type(exc).__name__}: {exc}"[:200])
    latency = time.monotonic() - started
    try:
        body = response.json()
    except ValueError:
        body = response.text[:200]
    return Health(response.status_code, latency, body)


# -- backing services: a private Redis, PostgreSQL, a TCP proxy -----------------------------------


class PrivateRedis:
    """A redis-server of our own on a free port, no persistence: stopping it loses its data."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="sunbeckn-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> None:
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 - kept by the child
        with log:
            self.process = subprocess.Popen(  # noqa: S603
                [  # noqa: S607
                    "redis-server",
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                    "--dir",
                    str(self.dir),
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not self.ping():
            if self.process.poll() is not None or time.monotonic() > deadline:
                tail = (self.dir / "redis.log").read_text(errors="replace")[-2000:]
                self.stop()
                raise RuntimeError(f"redis-server on port {self.port} did not start:\n{tail}")
            time.sleep(0.05)

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self, timeout: float = 10) -> None:
        """SIGTERM (redis-server shuts down at once, saving nothing), SIGKILL if it lingers."""
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def via_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunsplit(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


class TcpProxy:
    """A TCP forwarder 127.0.0.1:port -> upstream, to take a server away and give it back.

    up: forwards; refuse(): closes the listening socket (connection refused) and every
    forwarded connection, as a stopped server does; blackhole(): keeps accepting but forwards
    nothing either way, as a network partition does (connections hang, nothing is refused).
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self.state = "up"
        self._listener: socket.socket | None = None
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self.connections = 0

    def start(self) -> TcpProxy:
        self._listen()
        return self

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        listener.settimeout(0.2)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while not self._closed.is_set() and self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            with self._lock:
                self._conns.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        upstream = None
        try:
            while self.state == "blackhole" and not self._closed.is_set():
                time.sleep(0.05)  # accepted, never answered
            if self.state != "up":
                return
            upstream = socket.create_connection(self.upstream, timeout=5)
            with self._lock:
                self._conns.add(upstream)
            pump = threading.Thread(target=self._pump, args=(upstream, client), daemon=True)
            pump.start()
            self._pump(client, upstream)
            pump.join(timeout=5)
        except OSError:
            pass
        finally:
            for sock in (client, upstream):
                if sock is not None:
                    self._drop(sock)

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while not self._closed.is_set():
                if self.state == "blackhole":
                    time.sleep(0.05)
                    continue
                if self.state != "up":
                    return
                readable, _, _ = select.select([source], [], [], 0.2)
                if not readable:
                    continue
                data = source.recv(65536)
                if not data:
                    return
                target.sendall(data)
        except (OSError, ValueError):
            return
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)

    def _drop(self, sock: socket.socket) -> None:
        with self._lock:
            self._conns.discard(sock)
        with contextlib.suppress(OSError):
            sock.close()

    def refuse(self) -> None:
        self.state = "refuse"
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            conns = list(self._conns)
        for sock in conns:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            self._drop(sock)

    def blackhole(self) -> None:
        self.state = "blackhole"

    def up(self) -> None:
        self.state = "up"
        if self._listener is None:
            self._listen()

    def close(self) -> None:
        self._closed.set()
        self.refuse()


# -- what the product recorded --------------------------------------------------------------------


class LogWindow:
    """Lines of the stack's log written since a mark, to quote as evidence."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def mark(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def lines(self, since: int = 0, until: int | None = None) -> list[str]:
        try:
            with open(self.path, "rb") as log:
                log.seek(since)
                data = log.read() if until is None else log.read(max(0, until - since))
        except OSError:
            return []
        return data.decode(errors="replace").splitlines()

    def grep(self, pattern: str, since: int = 0, until: int | None = None) -> list[str]:
        regex = re.compile(pattern)
        return [line for line in self.lines(since, until) if regex.search(line)]


def quote_log(report: Report, title: str, lines: list[str], limit: int = 6) -> None:
    report.figure(title, f"{len(lines)} line(s)")
    shown = lines if len(lines) <= limit else [*lines[: limit - 2], "...", *lines[-2:]]
    for line in shown:
        print(f"      | {line[:300]}", flush=True)


LOG_PATTERNS = {
    "web: broker unavailable on publish": r"Broker unavailable; callback",
    "web: database unavailable": r"Database unavailable while accepting",
    "web: 5xx access log lines": r'"POST /beckn/search HTTP/1\.1" 5\d\d',
    "worker: broker connection lost/retried": r"(?i)connection to broker lost|cannot connect to",
    "beat: could not publish": r"(?i)couldn't apply scheduled task|message error",
    "worker: outbox sweep ran": r"outbox_sweep\[.*\] succeeded",
    "worker: (re)connected to the broker": r"consumer\.connection Connected to",
    "beat: connection error, retrying": r"celery\.beat beat: Connection error",
    "beat: sent the outbox sweep": r"Sending due task beckn-outbox-sweep",
    "worker: unrecoverable error": r"Unrecoverable error",
    "gave up on a callback": r"Gave up on callback",
    "gunicorn worker timeout/killed": r"(?i)WORKER TIMEOUT|Worker .* was sent",
    "tracebacks": r"^Traceback",
    "serve: process exited": r"serve: .* exited",
}


def quote_patterns(report: Report, log: LogWindow, since: int, until: int | None = None) -> None:
    for title, pattern in LOG_PATTERNS.items():
        lines = log.grep(pattern, since, until)
        if lines:
            quote_log(report, f"log, {title}", lines, limit=4)


OUTBOX_SQL = (
    "SELECT message_id, status, attempts, next_attempt_at, locked_until, http_status, "
    "last_error, created_at, sent_at FROM beckn_outboundmessage"
)


def outbox_rows(database: str) -> list[dict[str, Any]]:
    """The outbox rows, read straight from the database (`database`: a url or a SQLite path)."""
    columns = [
        "message_id",
        "status",
        "attempts",
        "next_attempt_at",
        "locked_until",
        "http_status",
        "last_error",
        "created_at",
        "sent_at",
    ]
    try:
        if database.startswith("postgres"):
            with psycopg.connect(database, connect_timeout=5) as conn:
                rows = conn.execute(OUTBOX_SQL).fetchall()
        else:
            with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as conn:
                rows = conn.execute(OUTBOX_SQL).fetchall()
    except Exception as exc:
        return [{"error": f"{type(exc).__name__}: {exc}"}]
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _utc(value: object) -> datetime | None:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def report_leases(report: Report, database: str, title: str) -> None:
    """PENDING rows whose delivery lease is still running: a claim nobody will finish."""
    rows = outbox_rows(database)
    if rows and "error" in rows[0]:
        report.figure(title, f"outbox could not be read: {rows[0]['error']}")
        return
    now = datetime.now(UTC)
    left = sorted(
        (until - now).total_seconds()
        for r in rows
        if r["status"] == "PENDING" and (until := _utc(r["locked_until"])) and until > now
    )
    detail = f"{len(left)} of {len(rows)} rows"
    if left:
        detail += f", leases ending in {', '.join(f'{x:.1f}' for x in left[:5])} s"
    report.figure(title, detail)


def report_outbox(report: Report, database: str, message_ids: list[str], title: str) -> None:
    wanted = set(message_ids)
    rows = outbox_rows(database)
    if rows and "error" in rows[0]:
        report.figure(f"{title}: outbox", f"could not be read: {rows[0]['error']}")
        return
    rows = [r for r in rows if r["message_id"] in wanted]
    by_status = Counter(r["status"] for r in rows)
    report.figure(
        f"{title}: outbox rows of these {len(wanted)} searches",
        f"{len(rows)} ({', '.join(f'{k} {v}' for k, v in sorted(by_status.items())) or 'none'})",
    )
    attempts = Counter(r["attempts"] for r in rows)
    report.figure(f"{title}: attempts per row", dict(sorted(attempts.items())))
    for row in rows[:5]:
        print(
            f"      | {row['message_id']} {row['status']} attempts={row['attempts']} "
            f"next_attempt_at={row['next_attempt_at']} locked_until={row['locked_until']} "
            f"http={row['http_status']} last_error={str(row['last_error'])[:120]!r}",
            flush=True,
        )


# -- scenario helpers -----------------------------------------------------------------------------


class Backing:
    """Where a stack keeps its data and queue: embedded, or PostgreSQL and a private Redis."""

    def __init__(self, mode: str, database_url: str, cleanup: contextlib.ExitStack) -> None:
        self.mode = mode
        self.database_url = database_url
        self.redis: PrivateRedis | None = None
        if mode == "production":
            fresh_database(database_url)
            self.redis = PrivateRedis()
            cleanup.callback(self.redis.close)
            self.redis.start()

    def env(self) -> dict[str, str | None]:
        if self.mode == "production":
            assert self.redis is not None
            return {"DATABASE_URL": self.database_url, "REDIS_URL": self.redis.url}
        return dict(EMBEDDED)

    def database(self, data_dir: Path) -> str:
        """What outbox_rows() reads: the url, or the SQLite file in DATA_DIR."""
        if self.mode == "production":
            return self.database_url
        return str(data_dir / "db.sqlite3")

    def describe(self) -> str:
        if self.mode == "production":
            assert self.redis is not None
            return f"PostgreSQL {self.database_url}, private Redis {self.redis.url}"
        return "embedded: SQLite in DATA_DIR, filesystem broker"


class Workspace:
    """DATA_DIR and log file shared by the stacks of a scenario; kept when the scenario fails."""

    def __init__(self, name: str) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"sunbeckn-{name}-data-"))
        fd, log = tempfile.mkstemp(prefix=f"sunbeckn-{name}-", suffix=".log")
        os.close(fd)
        self.log_path = Path(log)
        self.log = LogWindow(self.log_path)
        self.stacks: list[Stack] = []

    def stack(self, args: argparse.Namespace, env: dict[str, str | None], **kwargs: Any) -> Stack:
        stack = Stack(
            data_dir=self.data_dir,
            env=env,
            log_path=self.log_path,
            timeout=args.startup_timeout,
            **kwargs,
        )
        self.stacks.append(stack)
        return stack

    def close_with(self, cleanup: contextlib.ExitStack, report: Report, keep: bool) -> None:
        """Stop the stacks when `cleanup` exits; keep the files if the scenario failed or raised."""

        def close(exc_type: object, exc: object, tb: object) -> None:
            self.close(report, keep or exc_type is not None)

        cleanup.push(close)

    def close(self, report: Report, keep: bool) -> None:
        for stack in self.stacks:
            with contextlib.suppress(Exception):
                stack.stop()
        if keep or not report.passed:
            report.figure("kept for inspection", f"log {self.log_path}, DATA_DIR {self.data_dir}")
            return
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.log_path.unlink(missing_ok=True)


def check_alive(report: Report, stack: Stack, since: float, log: LogWindow, mark: int) -> None:
    """FAIL when `make run` exited on its own, with when and the log lines that say why."""
    process = stack.process
    code = None if process is None else process.poll()
    if code is None:
        report.check(True, "`make run` is still running")
        return
    report.check(
        False,
        "`make run` is still running",
        f"it exited with status {code} (noticed {time.monotonic() - since:.1f} s after the "
        "reference point)",
    )
    lines = log.grep(r"CRITICAL|Unrecoverable|serve: .* exited|Shutting down: Master", mark)
    quote_log(report, "log, why it exited", lines, limit=8)


def task_churn(report: Report, log: LogWindow, since: int, label: str) -> None:
    received = log.grep(r"deliver_callback\[.*\] received", since)
    report.figure(f"worker: deliver_callback tasks received {label}", len(received))


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
    return True


def warm_up(
    report: Report,
    stack: Stack,
    server: CallbackServer,
    identity: BapIdentity,
    deliveries: Callbacks,
    when: str = "before the outage",
) -> None:
    """One search answered end to end before the outage: the pipeline works to begin with."""
    answer, message_id = search_once(stack.base_url + "/beckn/search", identity, server.bap_uri)
    delivered = answer.ack and deliveries.wait_for([message_id], time.monotonic() + 60, stack)
    report.check(
        delivered,
        f"{when}, a search is ACKed and its on_search arrives",
        f"{answer.label}; callback {'received' if message_id in deliveries.first else 'missing'}",
    )


def check_valid(report: Report, deliveries: Callbacks) -> None:
    """FAIL when the BAP accepted a callback that is not an on_search signed by the BPP (such a
    callback is not counted as delivered either)."""
    deliveries.poll()
    report.check(
        not deliveries.invalid,
        "every on_search is signed with the BPP key and well formed",
        f"{len(deliveries.invalid)} invalid, e.g. {list(deliveries.invalid.items())[:3]}",
    )


# -- scenario: crash ------------------------------------------------------------------------------


def scenario_crash(args: argparse.Namespace, report: Report) -> None:
    n = args.requests
    bpp = Bpp()
    with contextlib.ExitStack() as cleanup:
        backing = Backing(args.mode, args.database_url, cleanup)
        registry, [(bap, identity)] = network(cleanup)
        struggling = StrugglingBap(args.bap_503_delay)
        bap.status_for = struggling
        deliveries = bpp.callbacks(bap)
        space = Workspace("crash")
        space.close_with(cleanup, report, args.keep)
        env = {**bpp.env(registry.url), **backing.env()}
        report.figure("setup", backing.describe())

        first = space.stack(args, env).start()
        report.figure("first stack", f"{first.base_url}, log {space.log_path}")
        signed, message_ids = sign_searches(identity, bap.bap_uri, n)
        answers = send_all(
            first.base_url + "/beckn/search", signed, message_ids, args.concurrency, 30
        )
        acked = [a.message_id for a in answers if a.ack]
        report.figure("searches sent", f"{n}: {answer_labels(answers)}")
        report.figure("ACK latency", latency_summary(answers))
        report.check(len(acked) == n, f"all {n} searches are ACKed (HTTP 200 ACK)")
        if args.kill_after:
            time.sleep(args.kill_after)
        if args.bap_503_delay:  # kill mid-delivery: while the BAP holds an attempt
            wait_until(lambda: struggling.in_flight >= 1, 10, interval=0.01)
        before_kill, held = len(struggling.refused), struggling.in_flight
        mark_kill = space.log.mark()
        first.kill()
        killed_at = time.monotonic()
        report.figure(
            f"killed (SIGKILL to the process group) at {clock()}",
            f"{killed_at - answers[-1].sent_at:.2f} s after the last search was sent, with "
            f"{held} callback attempt(s) in flight; the BAP had answered 503 to {before_kill} "
            "attempt(s) and accepted none",
        )
        deliveries.poll()
        report.check(
            not deliveries.first, "no on_search was accepted before the kill (the BAP said 503)"
        )
        report_leases(
            report,
            backing.database(space.data_dir),
            "outbox rows still leased (locked_until in the future) after the kill",
        )

        struggling.recovered.set()  # the BAP recovers while the BPP is down
        report.figure("BAP recovered, `make run` started again at", clock())
        restart = time.monotonic()
        second = space.stack(args, env, port=first.port)
        second.start()
        healthy_after = time.monotonic() - restart
        report.figure("restart -> /healthz 200", f"{healthy_after:.1f} s ({first.base_url})")
        mark_restart = space.log.mark()
        complete = deliveries.wait_for(acked, restart + args.recovery_timeout, second)
        if complete and args.settle:
            time.sleep(args.settle)  # anything sent twice comes now
            deliveries.poll()
        check_alive(report, second, restart, space.log, mark_restart)
        task_churn(report, space.log, mark_restart, "after the restart")
        got = [m for m in acked if m in deliveries.first]
        missing = [m for m in acked if m not in deliveries.first]
        duplicates = {m: c for m, c in deliveries.count.items() if m in set(acked) and c > 1}
        firsts = [deliveries.first[m] for m in got]
        report.figure("ACKed", len(acked))
        report.figure("delivered (on_search accepted by the BAP)", len(got))
        report.figure("duplicates (on_search received more than once)", sum(duplicates.values()))
        report.figure("invalid (path, action or signature)", len(deliveries.invalid))
        if firsts:
            report.figure(
                "restart -> first / last delivery",
                f"{min(firsts) - restart:.1f} s / {max(firsts) - restart:.1f} s",
            )
        report.figure("BAP: attempts refused with 503 in all", len(struggling.refused))
        report.check(
            not missing,
            f"every ACKed search gets its on_search within {args.recovery_timeout:.0f} s of the "
            "restart",
            f"{len(missing)} missing, e.g. {missing[:3]}",
        )
        report.check(not duplicates, "no on_search is delivered twice", f"{duplicates}")
        check_valid(report, deliveries)
        if missing or duplicates:
            report_outbox(report, backing.database(space.data_dir), acked, "after recovery")
        quote_patterns(report, space.log, mark_kill)


# -- scenario: redis-down -------------------------------------------------------------------------


def scenario_redis_down(args: argparse.Namespace, report: Report) -> None:
    n = args.requests
    bpp = Bpp()
    with contextlib.ExitStack() as cleanup:
        backing = Backing("production", args.database_url, cleanup)
        assert backing.redis is not None
        redis = backing.redis
        registry, [(bap, identity)] = network(cleanup)
        deliveries = bpp.callbacks(bap)
        space = Workspace("redis-down")
        space.close_with(cleanup, report, args.keep)
        env = {**bpp.env(registry.url), **backing.env()}
        report.figure("setup", backing.describe())
        stack = space.stack(args, env).start()
        report.figure("stack", f"{stack.base_url}, log {space.log_path}")
        warm_up(report, stack, bap, identity, deliveries)

        signed, message_ids = sign_searches(identity, bap.bap_uri, n)
        mark_down = space.log.mark()
        redis.stop()
        down_at = time.monotonic()
        report.figure(f"Redis stopped at {clock()}", f"port {redis.port} (SIGTERM; no persistence)")
        health = healthz(stack)
        report.figure("/healthz while Redis is down", health)
        report.check(
            health.status == 503
            and health.reachable("broker") is False
            and health.reachable("database") is True,
            "/healthz answers 503 with broker.reachable false (database reachable)",
        )
        answers = send_all(
            stack.base_url + "/beckn/search", signed, message_ids, args.concurrency, 35
        )
        report.figure("answers", answer_labels(answers))
        report.figure("answer latency", latency_summary(answers))
        report_slowest(report, answers, args.answer_target)
        slow = [a for a in answers if a.latency > args.answer_target]
        report.check(
            len(answers) == n and all(a.ack or a.nack for a in answers) and not slow,
            f"each of the {n} searches is answered with an ACK or a NACK within "
            f"{args.answer_target:g} s",
            f"{len(slow)} over {args.answer_target:g} s, "
            f"{sum(1 for a in answers if not (a.ack or a.nack))} not ACK/NACK",
        )
        acked = [a.message_id for a in answers if a.ack]
        remaining = args.outage_seconds - (time.monotonic() - down_at)
        if remaining > 0:
            progress(f"keeping Redis down {remaining:.0f} s more (--outage-seconds)")
            time.sleep(remaining)
        health = healthz(stack)
        report.figure("/healthz just before Redis starts again", health)

        mark_up = space.log.mark()
        redis.start()
        up_at = time.monotonic()
        report.figure(
            f"Redis started again at {clock()}",
            f"same port, empty, after {up_at - down_at:.1f} s down",
        )
        complete = deliveries.wait_for(acked, up_at + args.recovery_timeout, stack)
        if complete and args.settle:
            time.sleep(args.settle)
            deliveries.poll()
        check_alive(report, stack, up_at, space.log, mark_down)
        got = [m for m in acked if m in deliveries.first]
        missing = [m for m in acked if m not in deliveries.first]
        during = [m for m in got if deliveries.first[m] < up_at]
        duplicates = {m: c for m, c in deliveries.count.items() if m in set(acked) and c > 1}
        report.figure("ACKed while Redis was down", len(acked))
        report.figure("delivered", f"{len(got)} ({len(during)} while Redis was still down)")
        report.figure("duplicates", sum(duplicates.values()))
        firsts = [deliveries.first[m] for m in got]
        if firsts:
            report.figure(
                "Redis up -> first / last delivery",
                f"{min(firsts) - up_at:.1f} s / {max(firsts) - up_at:.1f} s",
            )
        report.check(
            not missing,
            f"every ACKed search gets its on_search within {args.recovery_timeout:.0f} s of Redis "
            "starting again",
            f"{len(missing)} of {len(acked)} missing",
        )
        report.check(not duplicates, "no on_search is delivered twice", f"{duplicates}")
        check_valid(report, deliveries)
        health = healthz(stack)
        report.figure("/healthz at the end", health)
        report.check(health.status == 200, "/healthz answers 200 again once Redis is back")
        if missing:
            report_outbox(report, args.database_url, acked, "at the end")
        down_lines = space.log.lines(mark_down, mark_up)
        report.figure(
            "log lines written while Redis was down",
            f"{len(down_lines)}, {sum(1 for x in down_lines if x.startswith('Traceback'))} "
            f"tracebacks, over {n} searches",
        )
        quote_patterns(report, space.log, mark_down, mark_up)
        print("      (after Redis started again:)", flush=True)
        quote_patterns(report, space.log, mark_up)


# -- scenario: db-down ----------------------------------------------------------------------------


def scenario_db_down(args: argparse.Namespace, report: Report) -> None:
    bpp = Bpp()
    with contextlib.ExitStack() as cleanup:
        fresh_database(args.database_url)
        target = urlsplit(args.database_url)
        proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 5432)).start()
        cleanup.callback(proxy.close)
        broker: str | None = None
        if args.db_down_broker == "redis":
            redis = PrivateRedis()
            cleanup.callback(redis.close)
            redis.start()
            broker = redis.url
        registry, [(bap, identity)] = network(cleanup)
        deliveries = bpp.callbacks(bap)
        space = Workspace("db-down")
        space.close_with(cleanup, report, args.keep)
        proxied = via_port(args.database_url, proxy.port)
        env = {**bpp.env(registry.url), "DATABASE_URL": proxied, "REDIS_URL": broker}
        report.figure(
            "setup",
            f"PostgreSQL through a TCP proxy ({proxied}), "
            f"{f'private Redis {broker}' if broker else 'filesystem broker'}; outage: "
            f"{args.db_outage}",
        )
        stack = space.stack(args, env).start()
        report.figure("stack", f"{stack.base_url}, log {space.log_path}")
        warm_up(report, stack, bap, identity, deliveries)

        n = args.requests if args.db_outage == "refuse" else min(args.requests, 10)
        signed, message_ids = sign_searches(identity, bap.bap_uri, n)
        mark_down = space.log.mark()
        if args.db_outage == "refuse":
            proxy.refuse()
        else:
            proxy.blackhole()
        report.figure(
            "database made unreachable",
            "connections refused, open ones closed"
            if args.db_outage == "refuse"
            else "blackhole: connections accepted, nothing forwarded",
        )
        health = healthz(stack)
        report.figure("/healthz while the database is down", health)
        report.check(
            health.status == 503
            and health.reachable("database") is False
            and health.reachable("broker") is True,
            "/healthz answers 503 with database.reachable false and the broker reachable",
        )
        report.check(
            health.latency <= args.answer_target,
            f"/healthz answers within {args.answer_target:g} s",
            ms(health.latency),
        )
        answers = send_all(
            stack.base_url + "/beckn/search", signed, message_ids, args.concurrency, 35
        )
        report.figure("searches while the database is down", n)
        report.figure("answers", answer_labels(answers))
        report.figure("answer latency", latency_summary(answers))
        report.figure("status codes", dict(Counter(a.status for a in answers)))
        report_slowest(report, answers, args.answer_target)
        bad = [a for a in answers if not (a.status == 503 and a.nack)]
        slow = [a for a in answers if a.latency > args.answer_target]
        report.check(
            len(answers) == n and not bad,
            "each search is answered HTTP 503 with a NACK body",
            f"{len(bad)} not: {answer_labels(bad)}",
        )
        report.check(
            not slow,
            f"each answer comes within {args.answer_target:g} s",
            f"{len(slow)} slower, max {ms(max(a.latency for a in answers))}",
        )
        health = healthz(stack)
        report.figure("/healthz after the searches", health)

        mark_up = space.log.mark()
        proxy.up()
        up_at = time.monotonic()
        tries: list[Answer] = []
        message_id = ""
        while time.monotonic() - up_at < 30 and len(tries) < 30:
            answer, message_id = search_once(
                stack.base_url + "/beckn/search", identity, bap.bap_uri, timeout=35
            )
            tries.append(answer)
            if answer.ack:
                break
            time.sleep(1)
        report.figure(
            "after the database came back",
            f"{len(tries)} search(es) until an ACK: {answer_labels(tries)}; first answer "
            f"{ms(tries[0].latency)}",
        )
        report.check(tries[-1].ack, "a search is ACKed again once the database is back")
        report.check(tries[0].ack, "the very first search after the database is back is ACKed")
        delivered = tries[-1].ack and deliveries.wait_for(
            [message_id], time.monotonic() + 60, stack
        )
        report.check(bool(delivered), "and its on_search arrives (within 60 s)")
        check_alive(report, stack, up_at, space.log, mark_down)
        deliveries.poll()
        stray = [m for m in message_ids if m in deliveries.first]
        report.check(not stray, "no on_search for the searches NACKed during the outage")
        check_valid(report, deliveries)
        health = healthz(stack)
        report.figure("/healthz at the end", health)
        report.check(health.status == 200, "/healthz answers 200 again")
        quote_patterns(report, space.log, mark_down, mark_up)
        print("      (after the database came back:)", flush=True)
        quote_patterns(report, space.log, mark_up)


# -- scenario: slow-bap ---------------------------------------------------------------------------


class HangingBap:
    """A BAP whose callback endpoint reads the request and then answers nothing until released.

    Counts the connections it holds (a connection the caller closed is not held any more).
    """

    def __init__(self, hold_limit: float) -> None:
        owner = self
        self.release = threading.Event()
        self.hold_limit = hold_limit
        self.arrivals: list[tuple[str, float]] = []
        self.holding = 0
        self.max_holding = 0
        self.abandoned = 0  # the caller gave up and closed the connection
        self._lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                try:
                    message_id = json.loads(body)["context"]["message_id"]
                except (ValueError, KeyError, TypeError):
                    message_id = "?"
                if owner._hold(message_id, self.connection):
                    data = json.dumps(ACK).encode()
                    with contextlib.suppress(OSError):
                        self.send_response(200)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                else:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # type: ignore[method-assign]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def bap_uri(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/bap"

    def _hold(self, message_id: str, connection: socket.socket) -> bool:
        """Hold the request until released (True: answer) or the caller hangs up (False)."""
        with self._lock:
            self.arrivals.append((message_id, time.monotonic()))
            self.holding += 1
            self.max_holding = max(self.max_holding, self.holding)
        try:
            deadline = time.monotonic() + self.hold_limit
            while time.monotonic() < deadline:
                if self.release.wait(0.1):
                    return True
                readable, _, _ = select.select([connection], [], [], 0)
                if readable:
                    try:
                        peeked = connection.recv(1, socket.MSG_PEEK)
                    except OSError:
                        peeked = b""
                    if not peeked:
                        with self._lock:
                            self.abandoned += 1
                        return False
            return True
        finally:
            with self._lock:
                self.holding -= 1

    def start(self) -> HangingBap:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def fast_round(
    url: str,
    fast: CallbackServer,
    identity: BapIdentity,
    deliveries: Callbacks,
    stack: Stack,
    args: argparse.Namespace,
) -> tuple[list[Answer], list[float]]:
    """--slow-searches searches from the fast BAP; their send -> on_search latencies."""
    signed, ids = sign_searches(identity, fast.bap_uri, args.slow_searches)
    answers = send_all(url, signed, ids, args.concurrency, 30)
    sent_at = {a.message_id: a.sent_at for a in answers if a.ack}
    deadline = time.monotonic() + args.slow_timeout
    while time.monotonic() < deadline and stack.running:
        deliveries.poll()
        if set(sent_at) <= deliveries.first.keys():
            break
        time.sleep(0.05)
    deliveries.poll()
    return answers, [deliveries.first[m] - sent_at[m] for m in sent_at if m in deliveries.first]


def latencies_text(latencies: list[float], expected: int) -> str:
    return (
        f"p50 {ms(percentile(latencies, 50))}, p99 {ms(percentile(latencies, 99))}, "
        f"max {ms(max(latencies) if latencies else None)} ({len(latencies)}/{expected} received)"
    )


def scenario_slow_bap(args: argparse.Namespace, report: Report) -> None:
    count = args.slow_searches
    bpp = Bpp()
    with contextlib.ExitStack() as cleanup:
        backing = Backing(args.mode, args.database_url, cleanup)
        registry, [(fast, fast_identity)] = network(cleanup)
        slow = HangingBap(hold_limit=args.recovery_timeout + 120).start()
        cleanup.callback(slow.stop)
        slow_identity = BapIdentity()
        registry.entries.append(slow_identity.registry_entry(url=slow.bap_uri))
        deliveries = bpp.callbacks(fast)
        space = Workspace("slow-bap")
        space.close_with(cleanup, report, args.keep)
        cleanup.callback(slow.release.set)  # runs before the stacks stop (ExitStack is LIFO)
        env = {**bpp.env(registry.url), **backing.env()}
        report.figure("setup", backing.describe())
        stack = space.stack(args, env).start()
        started = time.monotonic()
        report.figure("stack", f"{stack.base_url}, log {space.log_path}")
        url = stack.base_url + "/beckn/search"

        warm_up(report, stack, fast, fast_identity, deliveries, "to begin with")
        # Baseline: the fast BAP alone (its own burst also meets the per-BAP in-flight bound).
        answers, baseline = fast_round(url, fast, fast_identity, deliveries, stack, args)
        report.figure(
            f"baseline, fast BAP alone: {count} searches",
            f"{answer_labels(answers)}; send -> on_search {latencies_text(baseline, count)}",
        )
        mark = space.log.mark()

        signed, slow_ids = sign_searches(slow_identity, slow.bap_uri, count)
        answers = send_all(url, signed, slow_ids, args.concurrency, 30)
        report.figure(f"{count} searches from the hanging BAP", answer_labels(answers))
        report.check(
            all(a.ack for a in answers), f"the {count} searches from the hanging BAP are ACKed"
        )
        held = wait_until(lambda: slow.holding >= 1, 15)
        report.figure(
            "hanging BAP holds", f"{slow.holding} connection(s) (waited for >= 1: {held})"
        )

        answers, latencies = fast_round(url, fast, fast_identity, deliveries, stack, args)
        holding_at_end = slow.holding
        report.figure(f"then {count} searches from the fast BAP", answer_labels(answers))
        report.check(
            all(a.ack for a in answers), f"the {count} searches from the fast BAP are ACKed"
        )
        report.figure(
            "fast BAP with the hanging BAP: send -> on_search", latencies_text(latencies, count)
        )
        report.figure(
            "hanging BAP: connections held when the last fast callback arrived", holding_at_end
        )
        report.figure(
            "hanging BAP: most connections held at once",
            f"{slow.max_holding} (BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP default 8)",
        )
        report.figure(
            "hanging BAP: callback attempts so far",
            f"{len(slow.arrivals)} for {len({m for m, _ in slow.arrivals})} searches; "
            f"{slow.abandoned} abandoned by the BPP (read timeout)",
        )
        report.check(
            len(latencies) == count,
            f"all {count} fast callbacks arrive within {args.slow_timeout:g} s",
            f"{count - len(latencies)} missing",
        )
        report.check(
            holding_at_end >= 1 and not slow.release.is_set(),
            "they all arrive while the hanging BAP still holds its connections",
            f"holding {holding_at_end}",
        )
        p99, p99_alone = percentile(latencies, 99), percentile(baseline, 99)
        allowed = None if p99_alone is None else p99_alone + args.fast_margin
        report.check(
            p99 is not None and allowed is not None and p99 <= allowed,
            f"fast BAP p99 with the hanging BAP <= its p99 alone + {args.fast_margin:g} s "
            f"({ms(allowed)})",
            ms(p99),
        )
        report.check(
            p99 is not None and p99 <= args.fast_p99_target,
            f"fast BAP p99 send -> on_search <= {args.fast_p99_target:g} s",
            ms(p99),
        )
        report.check(
            slow.max_holding <= args.max_in_flight,
            f"the BPP never holds more than {args.max_in_flight} connections to the hanging BAP",
            f"{slow.max_holding} at once",
        )
        check_valid(report, deliveries)
        check_alive(report, stack, started, space.log, 0)
        task_churn(report, space.log, mark, "while the hanging BAP held its connections")
        quote_patterns(report, space.log, 0)


# -- main -----------------------------------------------------------------------------------------

RUNNERS: dict[str, Callable[[argparse.Namespace, Report], None]] = {
    "crash": scenario_crash,
    "redis-down": scenario_redis_down,
    "db-down": scenario_db_down,
    "slow-bap": scenario_slow_bap,
}


def run(name: str, args: argparse.Namespace) -> Report:
    label = name
    if name in ("crash", "slow-bap"):
        label += f" ({args.mode})"
    if name == "db-down":
        label += f" ({args.db_outage}, {args.db_down_broker} broker)"
    report = Report(label)
    started = time.monotonic()
    try:
        RUNNERS[name](args, report)
    except StackError as exc:
        report.error = f"a stack did not start: {exc}"
    except KeyboardInterrupt:
        report.error = "interrupted"
        raise
    except Exception as exc:
        import traceback

        traceback.print_exc()
        report.error = f"unexpected {type(exc).__name__}: {exc}"
    finally:
        report.figure("scenario time", f"{time.monotonic() - started:.1f} s")
        if report.error:
            print(f"  ERROR {report.error}", flush=True)
        print(f"--- {label}: {'PASSED' if report.passed else 'FAILED'}", flush=True)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Resilience targets of `make run`: crash, Redis down, database down, slow BAP."
    )
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--requests", type=int, default=100, help="searches per scenario (100)")
    parser.add_argument(
        "--mode",
        choices=["embedded", "production"],
        default="embedded",
        help="crash and slow-bap: SQLite + filesystem broker, or PostgreSQL + private Redis",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"dedicated database, dropped and created afresh ({DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--concurrency", type=int, default=2, help="client threads (2)")
    parser.add_argument(
        "--answer-target", type=float, default=1.0, help="seconds for each answer (1)"
    )
    parser.add_argument(
        "--recovery-timeout",
        type=float,
        default=180.0,
        help="seconds for the callbacks after a restart or recovery (180)",
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=180.0, help="seconds for /healthz 200 (180)"
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=5.0,
        help="seconds to watch for duplicates after the last callback (5)",
    )
    parser.add_argument(
        "--kill-after",
        type=float,
        default=0.0,
        help="crash: seconds between the last ACK and the SIGKILL (0)",
    )
    parser.add_argument(
        "--bap-503-delay",
        type=float,
        default=0.5,
        help="crash: seconds the BAP takes to answer 503; the kill waits for an attempt in "
        "flight (0.5; 0: answer at once, kill right after the ACKs)",
    )
    parser.add_argument(
        "--outage-seconds",
        type=float,
        default=20.0,
        help="redis-down: shortest time Redis stays down, spanning a beat tick (20)",
    )
    parser.add_argument(
        "--db-outage",
        choices=["refuse", "blackhole"],
        default="refuse",
        help="db-down: refused connections, or a network blackhole (refuse)",
    )
    parser.add_argument(
        "--db-down-broker",
        choices=["redis", "filesystem"],
        default="redis",
        help="db-down: the broker, a private Redis or the embedded filesystem one (redis)",
    )
    parser.add_argument(
        "--slow-searches", type=int, default=20, help="slow-bap: searches per BAP (20)"
    )
    parser.add_argument(
        "--slow-timeout",
        type=float,
        default=60.0,
        help="slow-bap: seconds for the fast BAP's callbacks (60)",
    )
    parser.add_argument(
        "--fast-p99-target",
        type=float,
        default=3.0,
        help="slow-bap: fast BAP p99 send -> on_search with the hanging BAP, seconds (3)",
    )
    parser.add_argument(
        "--fast-margin",
        type=float,
        default=2.0,
        help="slow-bap: most the hanging BAP may add to the fast BAP's p99, seconds (2: the "
        "per-BAP bound makes p99 move run to run; a BAP held up by the hanging one waits the "
        "10 s read timeout)",
    )
    parser.add_argument(
        "--max-in-flight",
        type=int,
        default=8,
        help="slow-bap: most connections the BPP may hold to one BAP (8, the product default)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep logs and DATA_DIRs even when passing"
    )
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.slow_searches < 1:
        parser.error("--requests, --concurrency and --slow-searches must be >= 1")

    names = SCENARIOS if args.scenario == "all" else (args.scenario,)
    reports: list[Report] = []
    try:
        for name in names:
            reports.append(run(name, args))
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        return 1
    print("\n=== summary ===", flush=True)
    for report in reports:
        print(f"  {'PASSED' if report.passed else 'FAILED'}  {report.name}", flush=True)
        for problem in report.problems:
            print(f"          missed: {problem}", flush=True)
        if report.error:
            print(f"          error: {report.error}", flush=True)
    if any(r.error.startswith("a stack did not start") for r in reports):
        return 2
    return 0 if all(r.passed for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
