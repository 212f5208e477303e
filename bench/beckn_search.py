"""Benchmark of POST /beckn/search against a bare Django view, on the `make run` stack.

    .venv/bin/python bench/beckn_search.py [--requests N=400] [--concurrency C=16] [--warmup 50]
                                           [--json]

Starts the product with `make run` (DJANGO_ROOT_URLCONF=bench.urls, a fake registry and a fake
BAP from beckn.peers), then measures with C client threads (one requests.Session each):

  bare  N POSTs of a signed search body to /bench/ack, a bare Django view returning a static ACK
        on the same gunicorn, middleware and settings (the ceiling for any view);
  full  N unique signed searches (signed before timing starts) to /beckn/search: ACK latency,
        and for each the time from sending it to receiving its on_search callback.

The caller's environment is passed through: DATABASE_URL / REDIS_URL select PostgreSQL / Redis,
WEB_CONCURRENCY / WEB_THREADS / CELERY_WORKER_CONCURRENCY size the servers.
Exit status: 0; 1 when callbacks are missing or invalid or a request was not ACKed; 2 when the
stack does not start.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import queue
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import requests  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

from beckn import signing  # noqa: E402
from beckn.peers import ACK, BapIdentity, CallbackServer, Registry, encode, seed_search  # noqa: E402
from bench.stack import Stack, StackError, quiet_disconnects  # noqa: E402

Signed = tuple[bytes, dict[str, str]]


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Result:
    sent_at: float  # time.monotonic(), comparable with ReceivedCallback.received_at
    latency: float  # seconds
    status: int  # HTTP status, 0 for a transport error
    ok: bool  # HTTP 200 with the ACK body
    error: str = ""


@dataclass
class Phase:
    name: str
    url: str
    results: list[Result]
    wall: float  # seconds from the first send to the last answer

    @property
    def errors(self) -> list[Result]:
        return [r for r in self.results if not r.ok]

    @property
    def throughput(self) -> float:
        return len(self.results) / self.wall if self.wall > 0 else 0.0

    def latencies_ms(self) -> list[float]:
        return [r.latency * 1000 for r in self.results]


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def fire(
    url: str, requests_: list[Signed], concurrency: int, timeout: float
) -> tuple[list[Result], float]:
    """POST every (body, headers) with `concurrency` threads; returns results in send order."""
    results: list[Result | None] = [None] * len(requests_)
    next_index = iter(range(len(requests_)))
    lock = threading.Lock()
    threads_count = max(1, min(concurrency, len(requests_)))
    barrier = threading.Barrier(threads_count + 1)

    def worker() -> None:
        with requests.Session() as session:
            barrier.wait()
            while True:
                with lock:
                    index = next(next_index, None)
                if index is None:
                    return
                body, headers = requests_[index]
                sent_at = time.monotonic()
                try:
                    response = session.post(url, data=body, headers=headers, timeout=timeout)
                    latency = time.monotonic() - sent_at
                    try:
                        ok = response.status_code == 200 and response.json() == ACK
                    except ValueError:
                        ok = False
                    error = "" if ok else f"HTTP {response.status_code}: {response.text[:200]}"
                    results[index] = Result(sent_at, latency, response.status_code, ok, error)
                except requests.RequestException as exc:
                    latency = time.monotonic() - sent_at
                    results[index] = Result(
                        sent_at, latency, 0, False, f"{type(exc).__name__}: {exc}"[:200]
                    )

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.monotonic()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return [r for r in results if r is not None], wall


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


class CallbackCollector:
    """First on_search callback per message_id from a CallbackServer, checked as a BAP would."""

    def __init__(self, server: CallbackServer, bpp_public_key: str) -> None:
        self.server = server
        self.bpp_public_key = bpp_public_key
        self.first: dict[str, float] = {}  # message_id -> received_at
        self.invalid: dict[str, str] = {}  # message_id (or index) -> problem
        self.duplicates = 0
        self._seen = 0

    def poll(self) -> None:
        batch = self.server.all[self._seen :]
        self._seen += len(batch)
        for callback in batch:
            try:
                context = callback.payload.get("context") or {}
            except ValueError:
                self.invalid[f"#{self._seen}"] = "body is not JSON"
                continue
            message_id = context.get("message_id", "")
            if message_id in self.first:
                self.duplicates += 1
                continue
            self.first[message_id] = callback.received_at
            problem = ""
            if not callback.path.endswith("/on_search"):
                problem = f"path {callback.path}"
            elif context.get("action") != "on_search":
                problem = f"action {context.get('action')!r}"
            else:
                try:
                    callback.verify(self.bpp_public_key)
                except signing.SignatureError as exc:
                    problem = f"signature: {exc}"
            if problem:
                self.invalid[message_id] = problem
        # Keep the server's queue from growing: we read `all`, not the queue.
        while not self.server.received.empty():
            try:
                self.server.received.get_nowait()
            except queue.Empty:
                break

    def wait_for(self, message_ids: list[str], timeout: float) -> bool:
        wanted = set(message_ids)
        deadline = time.monotonic() + timeout
        while True:
            self.poll()
            if wanted <= self.first.keys():
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def summarize(phase: Phase, concurrency: int) -> dict[str, Any]:
    latencies = phase.latencies_ms()
    return {
        "path": urlsplit(phase.url).path,
        "requests": len(phase.results),
        "concurrency": concurrency,
        "wall_s": round(phase.wall, 3),
        "throughput_rps": round(phase.throughput, 1),
        "p50_ms": _round(percentile(latencies, 50)),
        "p99_ms": _round(percentile(latencies, 99)),
        "errors": len(phase.errors),
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def run(args: argparse.Namespace) -> tuple[dict[str, Any], int]:
    with Registry() as registry, CallbackServer() as bap:
        quiet_disconnects(registry, bap)
        identity = BapIdentity()
        registry.entries.append(identity.registry_entry(url=bap.bap_uri))
        bpp_key = SigningKey.generate()
        bpp_public_key = signing.public_key_base64(bpp_key)
        env = {
            "DJANGO_ROOT_URLCONF": "bench.urls",
            "BECKN_REGISTRY_URL": registry.url,
            "BECKN_SIGNING_PRIVATE_KEY": base64.b64encode(bytes(bpp_key)).decode(),
            "BECKN_UNIQUE_KEY_ID": f"bench-{uuid.uuid4().hex[:8]}",
            "BECKN_SUBSCRIBER_ID": "sunbeckn-bench.localhost",
        }
        stack = Stack(env=env, timeout=args.startup_timeout, keep_log=args.keep_log)
        stack.start()
        try:
            figures, status = measure(args, stack, identity, bap, bpp_public_key)
            if status != 0:
                stack.mark_failed()  # keep its log and DATA_DIR for a look
        except BaseException:
            stack.mark_failed()
            stack.print_log()
            raise
        finally:
            stack.stop()
        return figures, status


def measure(
    args: argparse.Namespace,
    stack: Stack,
    identity: BapIdentity,
    bap: CallbackServer,
    bpp_public_key: str,
) -> tuple[dict[str, Any], int]:
    bare_url = f"{stack.base_url}/bench/ack"
    full_url = f"{stack.base_url}/beckn/search"
    collector = CallbackCollector(bap, bpp_public_key)
    n, c = args.requests, args.concurrency

    # The bare view ignores the body; it gets the same signed search so the bytes on the wire
    # are the same as on the full path.
    bare_body = encode(seed_search(identity, bap.bap_uri))
    bare_request: Signed = (
        bare_body,
        {"Content-Type": "application/json", "Authorization": identity.sign(bare_body)},
    )

    # -- warmup (not counted) -----------------------------------------------------------------
    if args.warmup:
        progress(f"warmup: {args.warmup} requests on each path")
        results, _ = fire(bare_url, [bare_request] * args.warmup, c, args.request_timeout)
        _fail_fast("warmup bare", results)
        warm, warm_ids = sign_searches(identity, bap.bap_uri, args.warmup)
        results, _ = fire(full_url, warm, c, args.request_timeout)
        _fail_fast("warmup full", results)
        if not collector.wait_for(warm_ids, args.callback_timeout):
            missing = len(set(warm_ids) - collector.first.keys())
            progress(
                f"warmup: {missing} of {len(warm_ids)} callbacks missing after "
                f"{args.callback_timeout:g} s"
            )

    # -- bare ---------------------------------------------------------------------------------
    progress(f"bare: {n} POST {bare_url}, concurrency {c}")
    results, wall = fire(bare_url, [bare_request] * n, c, args.request_timeout)
    bare = Phase("bare", bare_url, results, wall)

    # -- full ---------------------------------------------------------------------------------
    signed, message_ids = sign_searches(identity, bap.bap_uri, n)
    progress(f"full: {n} unique signed POST {full_url}, concurrency {c}")
    results, wall = fire(full_url, signed, c, args.request_timeout)
    full = Phase("full", full_url, results, wall)
    sent_at = {mid: r.sent_at for mid, r in zip(message_ids, results, strict=True) if r.ok}
    acked_ids = list(sent_at)
    progress(f"full: waiting up to {args.callback_timeout:g} s for {len(acked_ids)} callbacks")
    collector.wait_for(acked_ids, args.callback_timeout)
    callback_ms = [
        (collector.first[mid] - sent_at[mid]) * 1000 for mid in acked_ids if mid in collector.first
    ]
    missing = [mid for mid in message_ids if mid not in collector.first]
    invalid = {mid: p for mid, p in collector.invalid.items() if mid in set(message_ids)}

    health = stack.health
    figures: dict[str, Any] = {
        "bare": summarize(bare, c),
        "full": summarize(full, c),
        "full_vs_bare_throughput_pct": _round(
            100 * full.throughput / bare.throughput if bare.throughput else None
        ),
        "callbacks": {
            "expected": n,
            "received": n - len(missing),
            "p50_ms": _round(percentile(callback_ms, 50)),
            "p99_ms": _round(percentile(callback_ms, 99)),
            "max_ms": _round(max(callback_ms) if callback_ms else None),
            "invalid": len(invalid),
            "duplicates": collector.duplicates,
            "timeout_s": args.callback_timeout,
        },
        "setup": {
            "database": (health.get("database") or {}).get("engine"),
            "broker": (health.get("broker") or {}).get("transport"),
            "cpus": os.cpu_count(),
            "web_workers": int(os.environ.get("WEB_CONCURRENCY", "2")),
            "web_threads": int(os.environ.get("WEB_THREADS", "4")),
            "celery_concurrency": int(os.environ.get("CELERY_WORKER_CONCURRENCY", "8")),
            "warmup": args.warmup,
            "python": platform.python_version(),
        },
    }
    problems = []
    for phase in (bare, full):
        if phase.errors:
            problems.append(
                f"{len(phase.errors)} {phase.name} request(s) not ACKed, first: "
                f"{phase.errors[0].error}"
            )
    if missing:
        problems.append(
            f"{len(missing)} of {n} on_search callbacks missing after "
            f"{args.callback_timeout:g} s (first: {missing[0]})"
        )
    if invalid:
        first = next(iter(invalid.items()))
        problems.append(f"{len(invalid)} invalid callbacks, first: {first[0]}: {first[1]}")
    figures["problems"] = problems
    return figures, 1 if problems else 0


def _fail_fast(what: str, results: list[Result]) -> None:
    bad = [r for r in results if not r.ok]
    if bad:
        raise SystemExit(
            f"{what}: {len(bad)} of {len(results)} requests not ACKed; first: {bad[0].error}"
        )


def print_table(figures: dict[str, Any]) -> None:
    def cell(value: Any, width: int, digits: int = 1) -> str:
        if value is None:
            return "-".rjust(width)
        if isinstance(value, float):
            return f"{value:.{digits}f}".rjust(width)
        return str(value).rjust(width)

    header = (
        f"{'path':<28}{'requests':>9}{'concurrency':>13}{'req/s':>10}{'p50 ms':>9}"
        f"{'p99 ms':>9}{'errors':>8}"
    )
    print(header)
    print("-" * len(header))
    for key, label in (
        ("bare", "bare Django  POST /bench/ack"),
        ("full", "full  POST /beckn/search"),
    ):
        row = figures[key]
        print(
            f"{label:<28}{cell(row['requests'], 9)}{cell(row['concurrency'], 13)}"
            f"{cell(row['throughput_rps'], 10)}{cell(row['p50_ms'], 9)}{cell(row['p99_ms'], 9)}"
            f"{cell(row['errors'], 8)}"
        )
    print()
    pct = figures["full_vs_bare_throughput_pct"]
    print(f"full / bare throughput: {'-' if pct is None else f'{pct:.1f} %'}")
    cb = figures["callbacks"]
    print(
        f"on_search callback latency (send -> callback received): p50 "
        f"{cell(cb['p50_ms'], 0)} ms, p99 {cell(cb['p99_ms'], 0)} ms, max "
        f"{cell(cb['max_ms'], 0)} ms; received {cb['received']}/{cb['expected']}"
        f" (invalid {cb['invalid']}, duplicates {cb['duplicates']})"
    )
    s = figures["setup"]
    print(
        f"setup: `make run` on 127.0.0.1, database {s['database']}, broker {s['broker']}, "
        f"{s['cpus']} CPUs (shared with this client, the fake BAP and registry), gunicorn "
        f"{s['web_workers']} workers x {s['web_threads']} threads, celery "
        f"{s['celery_concurrency']} threads, warmup {s['warmup']} per path, Python {s['python']}"
    )
    for problem in figures["problems"]:
        print(f"PROBLEM: {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark POST /beckn/search (ACK and on_search) against a bare Django view."
    )
    parser.add_argument("--requests", type=int, default=400, help="requests per path (400)")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads (16)")
    parser.add_argument(
        "--warmup", type=int, default=50, help="uncounted requests per path first (50)"
    )
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
        help="seconds to wait for the callbacks after the last ACK (120)",
    )
    parser.add_argument("--keep-log", action="store_true", help="keep the stack's log file")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1 or args.warmup < 0:
        parser.error("--requests and --concurrency must be >= 1, --warmup >= 0")

    try:
        figures, status = run(args)
    except StackError as exc:
        print(f"benchmark FAILED: the stack did not start: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print_table(figures)
    if status:
        print("benchmark FAILED: " + "; ".join(figures["problems"]), file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
