"""Past one machine: two web servers and two Celery workers on one PostgreSQL and one Redis.

    .venv/bin/python bench/multi_node.py [--requests N=40] [--database-url URL] [--redis-url URL]

The deployment of README "Deployment", on one machine: "host A" runs a web server (gunicorn)
and the worker that also runs beat (exactly one beat), "host B" a web server and a worker
without beat; each host has its own DATA_DIR (and Prometheus multiprocess folder); they share
only PostgreSQL (a database of our own, `<database>_<pid>`, created here and dropped at the end)
and Redis (db 9 unless --redis-url says otherwise, emptied at start).

N unique signed searches from two fake BAPs go to both web servers in turn. The BAPs hold each
callback attempt a while and answer 503, so that callbacks are being attempted by both workers
when host B's worker is SIGKILLed; then the BAPs recover. Targets (one PASS/FAIL line each):
every search is ACKed; every ACKed search gets exactly one valid on_search; the leases the killed
worker held are taken over (those callbacks end SENT, delivered by the surviving worker); and
/metrics on the two web servers adds up to N ACKs and N callbacks sent.

Exit status: 0 when every target is met, 1 when one is missed, 2 when the nodes did not start.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import psycopg  # noqa: E402
import redis  # noqa: E402
import requests  # noqa: E402
from prometheus_client.parser import text_string_to_metric_families  # noqa: E402
from psycopg import sql  # noqa: E402

from bench.beckn_search import sign_searches  # noqa: E402
from bench.resilience import Bpp, Report, StrugglingBap, network, send_all, wait_until  # noqa: E402
from bench.stack import free_port, fresh_database  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/sunbeckn_multinode"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
METRICS_TOKEN = "multi-node-bench-token"  # noqa: S105
BIN = Path(sys.executable).parent


@dataclass
class Node:
    """One process of the deployment (a web server or a worker) in its own process group."""

    name: str
    argv: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    port: int = 0

    def start(self) -> Node:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                self.argv,
                cwd=REPO_ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def signal(self, sig: int) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.signal(signal.SIGKILL)
            self.process.wait(timeout=5)

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def drop_database(url: str) -> None:
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(parts.path.lstrip("/"))
            )
        )


def outbox(database: str) -> dict[str, tuple[str, datetime | None]]:
    """message_id -> (status, locked_until) of every outbox row."""
    with psycopg.connect(database, connect_timeout=5) as connection:
        rows = connection.execute(
            "SELECT message_id, status, locked_until FROM beckn_outboundmessage"
        ).fetchall()
    return {message_id: (status, until) for message_id, status, until in rows}


def scrape(url: str) -> dict[tuple[str, frozenset], float]:
    response = requests.get(
        f"{url}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}, timeout=10
    )
    response.raise_for_status()
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def total(samples: dict[tuple[str, frozenset], float], name: str, **labels: str) -> float:
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= ls)


class Deployment:
    """Host A: web + worker with beat; host B: web + worker. Shared PostgreSQL and Redis."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.nodes: dict[str, Node] = {}

    def host_env(self, host: str, **extra: str) -> dict[str, str]:
        data_dir = self.workdir / f"host-{host}"
        (data_dir / "metrics").mkdir(parents=True, exist_ok=True)
        return {
            **self.env,
            "DATA_DIR": str(data_dir),
            "PROMETHEUS_MULTIPROC_DIR": str(data_dir / "metrics"),
            **extra,
        }

    def prepare(self) -> None:
        """What a deployment runs once, from any host: migrate, load the demo catalog."""
        env = self.host_env("a")
        for command in (["migrate", "--noinput"], ["load_demo_catalog"]):
            subprocess.run(  # noqa: S603
                [sys.executable, "manage.py", *command],
                cwd=REPO_ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )

    def start(self) -> None:
        for host in ("a", "b"):
            port = free_port()
            web = Node(
                f"web-{host}",
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    "--config",
                    "config/gunicorn.py",
                ],
                self.host_env(host, PORT=str(port), WEB_CONCURRENCY="2"),
                self.workdir / f"web-{host}.log",
                port=port,
            )
            beat = ["--beat", "--schedule", str(self.workdir / "celerybeat-schedule")]
            worker = Node(
                f"worker-{host}",
                [
                    str(BIN / "celery"),
                    "--app",
                    "config",
                    "worker",
                    "--hostname",
                    f"worker-{host}@%h",
                    "--loglevel",
                    "INFO",
                    *(beat if host == "a" else []),
                ],
                self.host_env(host),
                self.workdir / f"worker-{host}.log",
            )
            self.nodes[web.name] = web.start()
            self.nodes[worker.name] = worker.start()
        for name in ("web-a", "web-b"):
            web = self.nodes[name]
            if not wait_until(lambda web=web: self._healthy(web), 60, interval=0.3):
                raise RuntimeError(f"{name} did not answer /healthz 200:\n{web.tail()}")
        for name in ("worker-a", "worker-b"):
            worker = self.nodes[name]
            if not wait_until(lambda w=worker: "ready." in w.log.read_text(), 60, 0.2):
                raise RuntimeError(f"{name} did not start:\n{worker.tail()}")

    @staticmethod
    def _healthy(web: Node) -> bool:
        assert web.process is not None
        if web.process.poll() is not None:
            raise RuntimeError(f"{web.name} exited:\n{web.tail()}")
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{web.url}/healthz", timeout=2).status_code == 200
        return False

    def stop(self) -> None:
        for node in self.nodes.values():
            node.stop()


def run(args: argparse.Namespace, report: Report) -> None:
    n = args.requests
    bpp = Bpp()
    database = fresh_database(args.database_url, suffix=f"_{os.getpid()}")
    redis.Redis.from_url(args.redis_url).flushdb()
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(drop_database, database)
        workdir = Path(tempfile.mkdtemp(prefix="sunbeckn-multinode-"))
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        registry, baps = network(cleanup, count=2)
        struggling = StrugglingBap(args.hold)
        deliveries = []
        for server, _identity in baps:
            server.status_for = struggling
            deliveries.append(bpp.callbacks(server))
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
            **bpp.env(registry.url),
            "DATABASE_URL": database,
            "REDIS_URL": args.redis_url,
            "DJANGO_SECRET_KEY": "multi-node-bench-secret-shared-by-every-node",
            "METRICS_TOKEN": METRICS_TOKEN,
            "CELERY_WORKER_CONCURRENCY": "4",
            "BECKN_CALLBACK_CONNECT_TIMEOUT": "1",
            "BECKN_CALLBACK_READ_TIMEOUT": "2",  # a lease of 1 + 2 + 5 = 8 s
            "BECKN_CALLBACK_BACKOFF_SECONDS": "0.5",
            "BECKN_CALLBACK_BACKOFF_MAX_SECONDS": "2",
            "BECKN_OUTBOX_SWEEP_SECONDS": "2",
        }
        deployment = Deployment(env, workdir)
        cleanup.callback(deployment.stop)
        report.figure("setup", f"PostgreSQL {database}, Redis {args.redis_url}, in {workdir}")
        deployment.prepare()
        deployment.start()
        webs = [deployment.nodes["web-a"], deployment.nodes["web-b"]]
        report.figure("nodes", ", ".join(f"{w.name} {w.url}" for w in webs))

        # N searches, from both BAPs, to both web servers in turn.
        batches: list[tuple[str, list, list[str]]] = []
        for index, (server, identity) in enumerate(baps):
            signed, ids = sign_searches(identity, server.bap_uri, n // 2 + (index < n % 2))
            for web_index, web in enumerate(webs):
                batches.append((web.url + "/beckn/search", signed[web_index::2], ids[web_index::2]))
        answers = []
        threads = [
            threading.Thread(
                target=lambda b=batch: answers.extend(send_all(b[0], b[1], b[2], 4, 30))
            )
            for batch in batches
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        acked = [a.message_id for a in answers if a.ack]
        report.check(len(acked) == n, f"all {n} searches are ACKed, spread over both web servers")

        # Kill host B's worker while attempts are in flight.
        wait_until(lambda: struggling.in_flight >= 2, 20, interval=0.01)
        killed = deployment.nodes["worker-b"]
        killed.signal(signal.SIGKILL)
        killed_at = time.monotonic()
        leased = {m: until for m, (status, until) in outbox(database).items() if until}
        report.figure(
            "worker-b SIGKILLed", f"with {struggling.in_flight} attempt(s) held by the BAPs"
        )
        # Host A's attempts end (503) and their leases are renewed or cleared; a lease still
        # the same after that was the killed worker's.
        time.sleep(args.hold + 1)
        now = datetime.now(UTC)
        orphaned = [
            m
            for m, (status, until) in outbox(database).items()
            if status == "PENDING" and until is not None and until > now and leased.get(m) == until
        ]
        report.figure("leases left by the killed worker", len(orphaned))

        struggling.recovered.set()
        deadline = time.monotonic() + args.recovery_timeout
        complete = _wait_all(deliveries, acked, deadline)
        time.sleep(args.settle)  # anything sent twice comes now
        for d in deliveries:
            d.poll()
        counts: dict[str, int] = {}
        for d in deliveries:
            for message_id, count in d.count.items():
                counts[message_id] = counts.get(message_id, 0) + count
        missing = [m for m in acked if m not in counts]
        duplicates = {m: c for m, c in counts.items() if c > 1}
        invalid = sum(len(d.invalid) for d in deliveries)
        report.figure(
            "kill -> last on_search",
            f"{max(max(d.last.values(), default=killed_at) for d in deliveries) - killed_at:.1f} s",
        )
        report.check(
            complete and not missing,
            f"every ACKed search gets its on_search within {args.recovery_timeout:.0f} s",
            f"{len(missing)} missing, e.g. {missing[:3]}",
        )
        report.check(not duplicates, "no on_search is delivered twice", f"{duplicates}")
        report.check(not invalid, "every on_search is signed with the BPP key", f"{invalid}")
        rows = outbox(database)
        taken_over = [m for m in orphaned if rows[m][0] == "SENT" and counts.get(m) == 1]
        report.check(
            bool(orphaned) and len(taken_over) == len(orphaned),
            "the killed worker's leases are taken over (those callbacks end SENT, sent once)",
            f"{len(taken_over)} of {len(orphaned)}",
        )

        samples = [scrape(web.url) for web in webs]
        acks = sum(
            total(s, "sunbeckn_beckn_requests_total", action="search", answer="ACK")
            for s in samples
        )
        sent = sum(total(s, "sunbeckn_callbacks_sent_total", action="on_search") for s in samples)
        report.figure("/metrics of web-a + web-b", f"{acks:.0f} ACKs, {sent:.0f} callbacks sent")
        report.check(
            acks == n and sent == n,
            "/metrics counts every ACK and callback across processes and hosts",
            f"ACKs {acks}, sent {sent}",
        )
        if not report.passed:
            for node in deployment.nodes.values():
                print(f"---- {node.name} ----\n{node.tail()}", flush=True)


def _wait_all(deliveries: list, acked: list[str], deadline: float) -> bool:
    wanted = set(acked)
    while True:
        seen: set[str] = set()
        for d in deliveries:
            d.poll()
            seen |= d.first.keys()
        if wanted <= seen:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument("--hold", type=float, default=1.5, help="s a BAP holds an attempt")
    parser.add_argument("--recovery-timeout", type=float, default=45.0)
    parser.add_argument("--settle", type=float, default=3.0)
    args = parser.parse_args()
    report = Report("multi-node: 2 web servers, 2 workers, one PostgreSQL and Redis")
    started = time.monotonic()
    try:
        run(args, report)
    except RuntimeError as exc:
        print(f"multi-node: the nodes did not start: {exc}", file=sys.stderr)
        return 2
    report.figure("scenario time", f"{time.monotonic() - started:.1f} s")
    print(f"--- multi-node: {'PASSED' if report.passed else 'FAILED'}", flush=True)
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
