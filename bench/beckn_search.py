"""Benchmark of POST /beckn/search against a bare Django view, and of its callbacks.

    .venv/bin/python bench/beckn_search.py [--requests N=1000] [--concurrency C=16]
                                           [--repeat R=3] [--idle 100] [--burst 1000]
                                           [--warmup 100] [--json]

Starts the product with `make run` (DJANGO_ROOT_URLCONF=bench.urls, a fake registry and a fake
BAP from beckn.peers), then measures, with C client threads each holding one keep-alive
connection (plain sockets and requests built and signed before timing starts, in a process of
their own so that the fake BAP's threads do not slow the client down):

  bare   N POSTs of a signed search body to /bench/ack, a bare Django view returning a static
         ACK on the same gunicorn, middleware and settings (the ceiling for any view);
  signed the same N unique signed searches to /bench/ack/signed/search: parsed and their
         signature verified, then a static ACK (nothing validated, stored or published);
  checked the same to /bench/ack/checked/search: verified and validated (DRF serializers,
         layer 2), then a static ACK: the whole ACK path but its database row and message;
  ack    the same N searches to /beckn/search (verified, validated, written with their
         outbox row, published to the broker) while the Celery worker is paused (SIGSTOP), so
         that the ACK path is measured alone; the worker then resumes and the time it takes to
         deliver the N callbacks to the one BAP is reported ("backlog");
         the four phases run in turn R times and each round's ratios to bare are printed (the
         machine is shared: compare the ratios, not the absolute figures, across runs);
  idle   searches one at a time on an idle server (worker running): ACK latency and the time
         from sending each search to receiving its on_search;
  burst  B unique searches from the one BAP at concurrency C with the worker running: ACK
         figures and send -> on_search latency while the callbacks compete for the CPUs.

For every phase the CPU time used by the web workers, the Celery worker, the database backends
of this database (PostgreSQL) and the client is reported per request, with the machine's total,
so that where the time goes (and that the client is not the bottleneck) can be seen.

The caller's environment is passed through: DATABASE_URL / REDIS_URL select PostgreSQL / Redis,
WEB_CONCURRENCY / WEB_THREADS / CELERY_WORKER_CONCURRENCY size the servers. On PostgreSQL the
benchmark works in a database of its own, DATABASE_URL's name + "_bench" on the same server,
dropped and created afresh, so that no earlier run's outbox rows are delivered meanwhile (with
SQLite the stack's temporary DATA_DIR is fresh anyway); give it a Redis database of its own too.
Exit status: 0; 1 when callbacks are missing, duplicated or invalid or a request was not ACKed;
2 when the stack does not start.
"""

from __future__ import annotations

import argparse
import base64
import json
import multiprocessing
import os
import platform
import resource
import socket
import statistics
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nacl.signing import SigningKey  # noqa: E402

from beckn import signing  # noqa: E402
from beckn.peers import ACK, BapIdentity, CallbackServer, Registry, encode, seed_search  # noqa: E402
from bench.stack import (  # noqa: E402
    Callbacks,
    Stack,
    StackError,
    fresh_database,
    percentile,
    quiet_disconnects,
)

Signed = tuple[bytes, dict[str, str]]
SEARCH_TTL_MS = 30_000  # PT30S, the ttl a buyer app gives its searches by default
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The ACK path stopped part way (bench/urls.py): after the signature, after validation.
PARTIAL_STAGES = ("signed", "checked")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# -- the client -------------------------------------------------------------------------------


class KeepAliveConnection:
    """HTTP/1.1 over one socket, reused from request to request: the cheapest Python client
    (a few tens of microseconds of CPU per request), so that the client is not what is measured.
    """

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.address = (host, port)
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.buffer = b""

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(self.address, timeout=self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock, self.buffer = sock, b""
        return sock

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def request(self, raw: bytes) -> tuple[int, bytes]:
        """Send a whole request; returns (status, body). A connection the server closed while
        idle is reopened (before anything was sent on it)."""
        sock = self.sock or self._connect()
        try:
            sock.sendall(raw)
            head = self._read_head()
        except (ConnectionError, EmptyResponse):
            sock = self._connect()
            sock.sendall(raw)
            head = self._read_head()
        status_line, *header_lines = head.split(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, close = 0, False
        for line in header_lines:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        while len(self.buffer) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed in the middle of a response")
            self.buffer += chunk
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        if close:
            self.close()
        return status, body

    def _read_head(self) -> bytes:
        assert self.sock is not None
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                if not self.buffer:
                    raise EmptyResponse
                raise ConnectionError("connection closed in the middle of a response")
            self.buffer += chunk
        head, _, self.buffer = self.buffer.partition(b"\r\n\r\n")
        return head


class EmptyResponse(ConnectionError):
    """The server closed an idle keep-alive connection."""


def raw_request(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    parts = urlsplit(url)
    lines = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.netloc}",
        f"Content-Length: {len(body)}",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


@dataclass
class Result:
    sent_at: float  # time.monotonic(), comparable across processes and with callbacks
    latency: float  # seconds
    status: int  # HTTP status, 0 for a transport error
    ok: bool  # HTTP 200 with the ACK body
    error: str = ""


def _fire(
    url: str, raws: list[bytes], concurrency: int, timeout: float
) -> tuple[list[Result], float]:
    parts = urlsplit(url)
    results: list[Result | None] = [None] * len(raws)
    next_index = iter(range(len(raws)))
    lock = threading.Lock()
    threads_count = max(1, min(concurrency, len(raws)))
    barrier = threading.Barrier(threads_count + 1)

    def worker() -> None:
        connection = KeepAliveConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout)
        connection._connect()
        barrier.wait()
        try:
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                sent_at = time.monotonic()
                try:
                    status, body = connection.request(raws[index])
                    latency = time.monotonic() - sent_at
                    ok = status == 200 and json.loads(body) == ACK
                    error = "" if ok else f"HTTP {status}: {body[:200]!r}"
                    results[index] = Result(sent_at, latency, status, ok, error)
                except (OSError, ValueError) as exc:
                    connection.close()
                    results[index] = Result(
                        sent_at, time.monotonic() - sent_at, 0, False, f"{exc!r}"[:200]
                    )
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return [r for r in results if r is not None], wall


def _fire_child(connection: Any, url: str, raws: list[bytes], concurrency: int, timeout: float):
    before = resource.getrusage(resource.RUSAGE_SELF)
    results, wall = _fire(url, raws, concurrency, timeout)
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    connection.send((results, wall, cpu))
    connection.close()


def fire(
    url: str, requests_: list[Signed], concurrency: int, timeout: float
) -> tuple[list[Result], float, float]:
    """POST every (body, headers) over `concurrency` keep-alive connections, from a forked
    process; returns the results in send order, the wall time and the client's CPU time."""
    raws = [raw_request(url, body, headers) for body, headers in requests_]
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_fire_child, args=(sender, url, raws, concurrency, timeout))
    child.start()
    sender.close()
    try:
        results, wall, cpu = receiver.recv()
    except EOFError:
        raise RuntimeError("the client process died") from None
    finally:
        child.join()
    return results, wall, cpu


def sign_searches(
    identity: BapIdentity, bap_uri: str, count: int
) -> tuple[list[Signed], list[str]]:
    """`count` unique search requests, signed now; returns them and their message_ids."""
    signed: list[Signed] = []
    message_ids: list[str] = []
    for _ in range(count):
        payload = seed_search(identity, bap_uri)
        body = encode(payload)
        # A generous signature lifetime: a long run must not turn its last requests stale.
        headers = {
            "Content-Type": "application/json",
            "Authorization": identity.sign(body, ttl_seconds=900),
        }
        signed.append((body, headers))
        message_ids.append(payload["context"]["message_id"])
    return signed, message_ids


# -- CPU accounting -----------------------------------------------------------------------------


def _process_cpu(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def _machine_busy() -> float:
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / CLOCK_TICKS


class DatabaseBackends:
    """The PostgreSQL server processes serving this database (none on SQLite)."""

    def __init__(self, url: str) -> None:
        self.url = url if url.startswith(("postgres://", "postgresql://")) else ""

    def pids(self) -> list[int]:
        if not self.url:
            return []
        import psycopg

        try:
            with psycopg.connect(self.url, connect_timeout=2) as connection:
                rows = connection.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                ).fetchall()
        except psycopg.Error:
            return []
        return [row[0] for row in rows]


@dataclass
class CpuSample:
    groups: dict[str, dict[int, float]]
    machine: float
    at: float


class CpuMeter:
    """CPU seconds used by each part of the set-up between two samples."""

    def __init__(self, stack: Stack, database: DatabaseBackends) -> None:
        self.stack = stack
        self.database = database

    def sample(self) -> CpuSample:
        pids = {
            "web": self.stack.web_pids(),
            "worker": self.stack.worker_pids(),
            "database": self.database.pids(),
            "bench (BAP, registry)": [os.getpid()],
        }
        groups = {
            name: {pid: cpu for pid in found if (cpu := _process_cpu(pid)) is not None}
            for name, found in pids.items()
        }
        return CpuSample(groups, _machine_busy(), time.monotonic())

    @staticmethod
    def used(before: CpuSample, after: CpuSample, client: float) -> dict[str, float]:
        """CPU seconds per part; processes that started in between count from zero."""
        used: dict[str, float] = {}
        for name, now in after.groups.items():
            earlier = before.groups.get(name, {})
            used[name] = sum(cpu - earlier.get(pid, 0.0) for pid, cpu in now.items())
        used["client"] = client
        used["machine"] = after.machine - before.machine
        used["wall"] = after.at - before.at
        return used


def cpu_per_request(used: dict[str, float], requests: int) -> dict[str, float | None]:
    """Milliseconds of CPU per request for each part; `machine` is all of the machine's CPUs
    (other parts, PostgreSQL's background processes, Redis and anything else running)."""
    figures: dict[str, float | None] = {
        name: _round(1000 * seconds / requests, 2)
        for name, seconds in used.items()
        if name not in ("wall",)
    }
    wall = used.get("wall") or 0
    figures["machine_busy_cpus"] = _round(used["machine"] / wall, 2) if wall else None
    return figures


# -- phases -------------------------------------------------------------------------------------


@dataclass
class Bench:
    args: argparse.Namespace
    stack: Stack
    identity: BapIdentity
    bap: CallbackServer
    collector: Callbacks
    meter: CpuMeter
    problems: list[str] = field(default_factory=list)

    @property
    def bare_url(self) -> str:
        return f"{self.stack.base_url}/bench/ack"

    @property
    def full_url(self) -> str:
        return f"{self.stack.base_url}/beckn/search"

    def partial_url(self, stage: str) -> str:
        return f"{self.stack.base_url}/bench/ack/{stage}/search"

    def post_all(self, url: str, signed: list[Signed], concurrency: int) -> dict[str, Any]:
        """Fire, and summarise the ACKs with the CPU each part used."""
        before = self.meter.sample()
        results, wall, client_cpu = fire(url, signed, concurrency, self.args.request_timeout)
        after = self.meter.sample()
        latencies = [r.latency * 1000 for r in results]
        errors = [r for r in results if not r.ok]
        if errors:
            self.problems.append(
                f"{len(errors)} of {len(results)} POST {urlsplit(url).path} not ACKed, first: "
                f"{errors[0].error}"
            )
        return {
            "requests": len(results),
            "concurrency": concurrency,
            "wall_s": round(wall, 3),
            "throughput_rps": _round(len(results) / wall if wall else None),
            "p50_ms": _round(percentile(latencies, 50)),
            "p99_ms": _round(percentile(latencies, 99)),
            "errors": len(errors),
            "cpu_ms_per_request": cpu_per_request(
                CpuMeter.used(before, after, client_cpu), len(results)
            ),
            "_results": results,
        }

    def searches(self, count: int) -> tuple[list[Signed], list[str]]:
        return sign_searches(self.identity, self.bap.bap_uri, count)

    def callbacks(
        self, message_ids: list[str], since: dict[str, float], label: str
    ) -> dict[str, Any]:
        """Wait for the callbacks of `message_ids`; latency from `since[message_id]`."""
        self.collector.wait_for(message_ids, time.monotonic() + self.args.callback_timeout)
        received = [m for m in message_ids if m in self.collector.first]
        latencies = [(self.collector.first[m] - since[m]) * 1000 for m in received]
        missing = len(message_ids) - len(received)
        invalid = [m for m in message_ids if m in self.collector.invalid]
        if missing:
            self.problems.append(
                f"{label}: {missing} of {len(message_ids)} on_search callbacks missing after "
                f"{self.args.callback_timeout:g} s"
            )
        if invalid:
            first = invalid[0]
            self.problems.append(
                f"{label}: {len(invalid)} invalid callbacks, first: "
                f"{first}: {self.collector.invalid[first]}"
            )
        span = None
        if received:
            span = max(self.collector.first[m] for m in received) - min(since.values())
        return {
            "expected": len(message_ids),
            "received": len(received),
            # Answered at all, and within the searches' ttl (the BAP waits no longer).
            "within_ttl": sum(1 for latency in latencies if latency <= SEARCH_TTL_MS),
            # on_search delivered per second, from the first search sent to the last answer.
            "delivered_per_s": _round(len(received) / span if span else None),
            "p50_ms": _round(percentile(latencies, 50)),
            "p99_ms": _round(percentile(latencies, 99)),
            "max_ms": _round(max(latencies) if latencies else None),
            "invalid": len(invalid),
        }

    def deliver_tasks(self) -> int:
        """deliver_callback tasks the worker has received so far (its log says so)."""
        try:
            text = self.stack.log_path.read_text(errors="replace")
        except OSError:
            return 0
        return sum(
            1
            for line in text.splitlines()
            if "beckn.tasks.deliver_callback[" in line and "] received" in line
        )

    # -- the phases ----------------------------------------------------------------------------

    def warmup(self) -> None:
        n, c = self.args.warmup, self.args.concurrency
        if not n:
            return
        progress(f"warmup: {n} requests on each path")
        bare_body = encode(seed_search(self.identity, self.bap.bap_uri))
        bare = [(bare_body, self.bare_headers(bare_body))] * n
        self.post_all(self.bare_url, bare, c)
        signed, ids = self.searches(n)
        self.post_all(self.full_url, signed, c)
        self.collector.wait_for(ids, time.monotonic() + self.args.callback_timeout)
        self.problems.clear()  # warmup figures do not count

    def bare_headers(self, body: bytes) -> dict[str, str]:
        return {"Content-Type": "application/json", "Authorization": self.identity.sign(body)}

    def ack_rounds(self) -> list[dict[str, Any]]:
        """bare and ack phases, alternating, with the worker paused; then the backlog."""
        n, c = self.args.requests, self.args.concurrency
        # The bare view ignores the body; it gets a signed search so that the bytes on the
        # wire are the same as on the full path.
        bare_body = encode(seed_search(self.identity, self.bap.bap_uri))
        bare_request = (bare_body, self.bare_headers(bare_body))
        rounds = []
        for number in range(1, self.args.repeat + 1):
            signed, ids = self.searches(n)
            tasks_before = self.deliver_tasks()
            self.stack.pause_worker()
            try:
                progress(f"round {number}: bare, {n} POST /bench/ack, concurrency {c}")
                bare = self.post_all(self.bare_url, [bare_request] * n, c)
                partial = {}
                for stage in PARTIAL_STAGES:
                    progress(f"round {number}: {stage}, {n} POST /bench/ack/{stage}/search")
                    partial[stage] = self.post_all(self.partial_url(stage), signed, c)
                progress(f"round {number}: ack, {n} unique POST /beckn/search, worker paused")
                ack = self.post_all(self.full_url, signed, c)
            finally:
                resumed = time.monotonic()
                self.stack.resume_worker()
            acked = [m for m, r in zip(ids, ack["_results"], strict=True) if r.ok]
            progress(f"round {number}: worker resumed, waiting for {len(acked)} callbacks")
            backlog = self.callbacks(acked, dict.fromkeys(acked, resumed), "backlog")
            backlog["tasks_per_callback"] = _round(
                (self.deliver_tasks() - tasks_before) / max(1, len(acked)), 2
            )
            rounds.append(
                {
                    "bare": bare,
                    **partial,
                    "ack": ack,
                    **{
                        f"{stage}_vs_bare_pct": _percent_of(row, bare)
                        for stage, row in [*partial.items(), ("ack", ack)]
                    },
                    "backlog": backlog,
                }
            )
        return rounds

    def idle(self) -> dict[str, Any]:
        """Searches one at a time, each after the previous one's callback."""
        count = self.args.idle
        progress(f"idle: {count} searches one at a time")
        signed, ids = self.searches(count)
        acks, callbacks = [], []
        for request, message_id in zip(signed, ids, strict=True):
            results, _, _ = fire(self.full_url, [request], 1, self.args.request_timeout)
            result = results[0]
            if not result.ok:
                self.problems.append(f"idle: a search was not ACKed: {result.error}")
                continue
            acks.append(result.latency * 1000)
            if self.collector.wait_for([message_id], time.monotonic() + 10):
                callbacks.append((self.collector.first[message_id] - result.sent_at) * 1000)
            time.sleep(self.args.idle_gap)
        missing = count - len(callbacks)
        if missing:
            self.problems.append(f"idle: {missing} of {count} callbacks missing after 10 s")
        return {
            "searches": count,
            "ack_p50_ms": _round(percentile(acks, 50)),
            "ack_p99_ms": _round(percentile(acks, 99)),
            "callback_p50_ms": _round(percentile(callbacks, 50)),
            "callback_p99_ms": _round(percentile(callbacks, 99)),
            "callback_max_ms": _round(max(callbacks) if callbacks else None),
        }

    def burst(self) -> dict[str, Any]:
        n, c = self.args.burst, self.args.concurrency
        progress(f"burst: {n} unique searches from one BAP, concurrency {c}, worker running")
        signed, ids = self.searches(n)
        tasks_before = self.deliver_tasks()
        before = self.meter.sample()
        acks = self.post_all(self.full_url, signed, c)
        sent_at = {m: r.sent_at for m, r in zip(ids, acks["_results"], strict=True) if r.ok}
        callbacks = self.callbacks(list(sent_at), sent_at, "burst")
        after = self.meter.sample()
        callbacks["tasks_per_callback"] = _round(
            (self.deliver_tasks() - tasks_before) / max(1, len(sent_at)), 2
        )
        callbacks["cpu_ms_per_search"] = cpu_per_request(CpuMeter.used(before, after, 0.0), n)
        return {"ack": acks, "callbacks": callbacks}


def _median(values: Any) -> float | None:
    values = [v for v in values if v is not None]
    return _round(statistics.median(values)) if values else None


def _percent_of(row: dict[str, Any], bare: dict[str, Any]) -> float | None:
    if not bare["throughput_rps"]:
        return None
    return _round(100 * row["throughput_rps"] / bare["throughput_rps"])


def measure(bench: Bench) -> dict[str, Any]:
    bench.warmup()
    rounds = bench.ack_rounds()
    idle = bench.idle() if bench.args.idle else None
    burst = bench.burst() if bench.args.burst else None
    health = bench.stack.health
    return {
        "rounds": rounds,
        **{
            f"{stage}_vs_bare_pct_median": _median(r[f"{stage}_vs_bare_pct"] for r in rounds)
            for stage in (*PARTIAL_STAGES, "ack")
        },
        "idle": idle,
        "burst": burst,
        "duplicates": bench.collector.duplicates,
        "setup": {
            "database": (health.get("database") or {}).get("engine"),
            "broker": (health.get("broker") or {}).get("transport"),
            "cpus": os.cpu_count(),
            "web_workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
            "web_threads": int(os.environ.get("WEB_THREADS", "4")),
            "celery_concurrency": int(os.environ.get("CELERY_WORKER_CONCURRENCY", "8")),
            "celery_processes": int(
                os.environ.get("CELERY_WORKER_PROCESSES") or min(os.cpu_count() or 1, 4)
            ),
            "warmup": bench.args.warmup,
            "python": platform.python_version(),
        },
    }


def run(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    database_url = fresh_database(os.environ.get("DATABASE_URL", ""), "_bench")
    with Registry() as registry, CallbackServer() as bap:
        quiet_disconnects(registry, bap)
        identity = BapIdentity()
        registry.entries.append(identity.registry_entry(url=bap.bap_uri))
        bpp_key = SigningKey.generate()
        bpp_id, bpp_key_id = "sunbeckn-bench.localhost", f"bench-{uuid.uuid4().hex[:8]}"
        env = {
            "DJANGO_ROOT_URLCONF": "bench.urls",
            "BECKN_REGISTRY_URL": registry.url,
            "BECKN_SIGNING_PRIVATE_KEY": base64.b64encode(bytes(bpp_key)).decode(),
            "BECKN_UNIQUE_KEY_ID": bpp_key_id,
            "BECKN_SUBSCRIBER_ID": bpp_id,
        }
        if database_url:
            env["DATABASE_URL"] = database_url
        stack = Stack(env=env, timeout=args.startup_timeout, keep_log=args.keep_log)
        stack.start()
        bench = Bench(
            args=args,
            stack=stack,
            identity=identity,
            bap=bap,
            collector=Callbacks(bap, signing.public_key_base64(bpp_key), bpp_id, bpp_key_id),
            meter=CpuMeter(stack, DatabaseBackends(database_url)),
        )
        try:
            figures = measure(bench)
            if bench.collector.duplicates:
                bench.problems.append(f"{bench.collector.duplicates} duplicate callbacks")
            figures["problems"] = bench.problems
            status = 1 if bench.problems else 0
            if status:
                stack.mark_failed()  # keep its log and DATA_DIR for a look
        except BaseException:
            stack.mark_failed()
            stack.print_log()
            raise
        finally:
            stack.stop()
        return figures, status


# -- output -------------------------------------------------------------------------------------


def _cell(value: Any, width: int, digits: int = 1) -> str:
    if value is None:
        return "-".rjust(width)
    if isinstance(value, float):
        return f"{value:.{digits}f}".rjust(width)
    return str(value).rjust(width)


CPU_PARTS = ("web", "worker", "database", "client", "bench (BAP, registry)", "machine")


def _ack_row(label: str, row: dict[str, Any]) -> str:
    cpu = row["cpu_ms_per_request"]
    return (
        f"{label:<38}{_cell(row['requests'], 6)}{_cell(row['throughput_rps'], 9)}"
        f"{_cell(row['p50_ms'], 8)}{_cell(row['p99_ms'], 8)}{_cell(row['errors'], 5)}  "
        + " ".join(_cell(cpu.get(part), 6, 2) for part in CPU_PARTS)
        + f"  {_cell(cpu.get('machine_busy_cpus'), 4, 2)}"
    )


def print_table(figures: dict[str, Any]) -> None:
    header = (
        f"{'phase':<38}{'reqs':>6}{'req/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'err':>5}  "
        f"{'CPU ms per request: web / worker / db / client / bench / machine':<41}  busy"
    )
    print(header)
    print("-" * len(header))
    for number, row in enumerate(figures["rounds"], 1):
        print(_ack_row(f"{number} bare    POST /bench/ack", row["bare"]))
        for stage in PARTIAL_STAGES:
            print(_ack_row(f"{number} {stage:<7} POST /bench/ack/{stage}/…", row[stage]))
        print(_ack_row(f"{number} ack     POST /beckn/search", row["ack"]))
        backlog = row["backlog"]
        ratios = ", ".join(
            f"{stage} {_cell(row[f'{stage}_vs_bare_pct'], 0)} %"
            for stage in (*PARTIAL_STAGES, "ack")
        )
        print(
            f"  of bare: {ratios}; backlog of {backlog['expected']} "
            f"callbacks to one BAP after the worker resumed: p50 {_cell(backlog['p50_ms'], 0)} "
            f"ms, last {_cell(backlog['max_ms'], 0)} ms, {backlog['tasks_per_callback']} "
            f"tasks per callback"
        )
    burst = figures["burst"]
    if burst:
        print(_ack_row("burst POST /beckn/search (worker on)", burst["ack"]))
    print()
    medians = ", ".join(
        f"{stage} {figures[f'{stage}_vs_bare_pct_median']} %" for stage in (*PARTIAL_STAGES, "ack")
    )
    print(f"throughput of bare, median of {len(figures['rounds'])} rounds: {medians}")
    idle = figures["idle"]
    if idle:
        print(
            f"idle, {idle['searches']} searches one at a time: ACK p50 "
            f"{_cell(idle['ack_p50_ms'], 0)} ms, p99 {_cell(idle['ack_p99_ms'], 0)} ms; "
            f"search -> on_search p50 {_cell(idle['callback_p50_ms'], 0)} ms, p99 "
            f"{_cell(idle['callback_p99_ms'], 0)} ms, max {_cell(idle['callback_max_ms'], 0)} ms"
        )
    if burst:
        cb = burst["callbacks"]
        cpu = cb["cpu_ms_per_search"]
        print(
            f"burst, {cb['expected']} searches to one BAP: search -> on_search p50 "
            f"{_cell(cb['p50_ms'], 0)} ms, p99 {_cell(cb['p99_ms'], 0)} ms, last "
            f"{_cell(cb['max_ms'], 0)} ms; received {cb['received']}/{cb['expected']}, "
            f"{cb['tasks_per_callback']} tasks per callback; CPU ms per search end to end: "
            + ", ".join(f"{part} {_cell(cpu.get(part), 0, 2)}" for part in CPU_PARTS)
        )
        bare = _median(r["bare"]["throughput_rps"] for r in figures["rounds"])
        share = 100 * cb["delivered_per_s"] / bare if bare and cb["delivered_per_s"] else None
        print(
            f"end to end, the burst: {_cell(cb['delivered_per_s'], 0)} on_search delivered per "
            f"second ({_cell(share, 0, 1)} % of the bare ACK's median {_cell(bare, 0)} req/s); "
            f"{cb['within_ttl']}/{cb['expected']} answered within the ttl (PT30S); ACK p99 "
            f"{_cell(burst['ack']['p99_ms'], 0)} ms while callbacks flow, ACK "
            f"{_cell(_percent_of(burst['ack'], {'throughput_rps': bare}), 0, 1)} % of bare"
        )
    print(f"duplicate callbacks: {figures['duplicates']}")
    s = figures["setup"]
    print(
        f"setup: `make run` on 127.0.0.1, database {s['database']}, broker {s['broker']}, "
        f"{s['cpus']} CPUs (shared with the client, the fake BAP and registry), gunicorn "
        f"{s['web_workers']} workers x {s['web_threads']} threads, celery "
        f"{s['celery_processes']} processes x {s['celery_concurrency']} threads, warmup "
        f"{s['warmup']}, Python {s['python']}"
    )
    for problem in figures["problems"]:
        print(f"PROBLEM: {problem}")


def _strip_results(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_results(v) for k, v in value.items() if k != "_results"}
    if isinstance(value, list):
        return [_strip_results(v) for v in value]
    return value


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark POST /beckn/search (ACK and on_search) against a bare Django view."
    )
    parser.add_argument(
        "--requests", type=int, default=1000, help="requests per bare and ack phase (1000)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="client connections (16)")
    parser.add_argument("--repeat", type=int, default=3, help="bare + ack rounds (3)")
    parser.add_argument("--idle", type=int, default=100, help="searches one at a time (100)")
    parser.add_argument(
        "--idle-gap", type=float, default=0.02, help="seconds between idle searches (0.02)"
    )
    parser.add_argument(
        "--burst", type=int, default=1000, help="searches of the burst, worker running (1000)"
    )
    parser.add_argument("--warmup", type=int, default=100, help="uncounted requests first (100)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--startup-timeout",
        type=float,
        default=180.0,
        help="seconds for `make run` to answer /healthz (180)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=30.0,
        help="read timeout of each request, seconds (30)",
    )
    parser.add_argument(
        "--callback-timeout",
        type=float,
        default=120.0,
        help="seconds to wait for the callbacks of a phase (120)",
    )
    parser.add_argument("--keep-log", action="store_true", help="keep the stack's log file")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.repeat < 1:
        parser.error("--requests, --concurrency and --repeat must be >= 1")
    if args.warmup < 0 or args.idle < 0 or args.burst < 0:
        parser.error("--warmup, --idle and --burst must be >= 0")

    try:
        figures, status = run(args)
    except StackError as exc:
        print(f"benchmark FAILED: the stack did not start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(_strip_results(figures), indent=2))
    else:
        print_table(figures)
    if status:
        print("benchmark FAILED: " + "; ".join(figures["problems"]), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
