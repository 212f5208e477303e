"""Where the CPU of one POST /beckn/search goes, measured in-process (no HTTP, no client).

    .venv/bin/python bench/ack_profile.py [--requests N=2000] [--pyinstrument] [--cprofile]

Runs the Django application (WSGI handler, all middleware) in this process on N unique signed
searches and on N POSTs to the bare ACK view of bench/urls.py, and prints the CPU time per
request of each, split by stage of the ACK path: signature (parse, key, verify), validation
(DRF serializers, layer 2), persistence (the log and outbox rows), publish (the broker message),
and the rest (Django, middleware, the view itself). With --pyinstrument (when installed:
`.venv/bin/pip install pyinstrument`), also prints pyinstrument's call tree of the full path.

The environment selects the services as for `make run`: DATABASE_URL (PostgreSQL: a database of
its own, its name + "_profile", dropped and created afresh and migrated) and REDIS_URL (tasks go
to a queue of their own, purged at the end). A fake registry answers the key lookups.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from nacl.signing import SigningKey  # noqa: E402

from beckn.peers import BapIdentity, CallbackServer, Registry, encode, seed_search  # noqa: E402
from bench.stack import fresh_database  # noqa: E402


class Stages:
    """CPU seconds spent inside wrapped functions, by stage; a stage called from another one
    counts for itself only (exclusive times)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._stack: list[str] = []

    def wrap(self, owner: Any, name: str, stage: str) -> None:
        original = getattr(owner, name)
        stages = self

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            stages._stack.append(stage)
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                elapsed = time.thread_time() - started
                stages._stack.pop()
                stages.seconds[stage] = stages.seconds.get(stage, 0.0) + elapsed
                if stages._stack:
                    parent = stages._stack[-1]
                    stages.seconds[parent] = stages.seconds.get(parent, 0.0) - elapsed

        setattr(owner, name, wrapper)

    def reset(self) -> None:
        self.seconds.clear()

    def print_per_unit(self, total: float, count: int, rest: str) -> None:
        """Each stage's seconds per unit (of `count`), most first, then what is left of
        `total` as `rest`, in milliseconds."""
        accounted = 0.0
        for stage, seconds in sorted(self.seconds.items(), key=lambda item: -item[1]):
            accounted += seconds
            print(f"    {stage:<38} {1000 * seconds / count:7.3f} ms")
        print(f"    {rest:<38} {1000 * (total - accounted) / count:7.3f} ms")


def print_top_functions(profile: cProfile.Profile) -> None:
    """cProfile's top functions, ordered by PROFILE_SORT (tottime), PROFILE_TOP (40) of them."""
    out = io.StringIO()
    order = os.environ.get("PROFILE_SORT", "tottime")
    top = int(os.environ.get("PROFILE_TOP", "40"))
    pstats.Stats(profile, stream=out).sort_stats(order).print_stats(top)
    print(out.getvalue())


def describe() -> str:
    """The services in use, as `make run` chooses them from the environment."""
    engine = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    broker = "Redis" if os.environ.get("REDIS_URL") else "filesystem broker"
    return f"{engine}, {broker}"


def in_process(name: str, **environment: str) -> tuple[Registry, CallbackServer, BapIdentity]:
    """Set this process up to run the application in-process: a fake registry and BAP, a fresh
    DATA_DIR and signing key, `environment`, and with DATABASE_URL a database of its own (its
    name + "_<name>", afresh). Returns the registry, the BAP and its identity. Call before
    django.setup()."""
    registry, bap = Registry().start(), CallbackServer().start()
    identity = BapIdentity()
    registry.entries.append(identity.registry_entry(url=bap.bap_uri))
    os.environ.update(
        {
            "DATA_DIR": tempfile.mkdtemp(prefix=f"sunbeckn-{name}-"),
            "DJANGO_SETTINGS_MODULE": "config.django.base",
            "BECKN_REGISTRY_URL": registry.url,
            "BECKN_SIGNING_PRIVATE_KEY": base64.b64encode(bytes(SigningKey.generate())).decode(),
            "BECKN_UNIQUE_KEY_ID": "profile",
            "BECKN_SUBSCRIBER_ID": "sunbeckn-profile.localhost",
            "LOG_LEVEL": "WARNING",
            **environment,
        }
    )
    database_url = fresh_database(os.environ.get("DATABASE_URL", ""), f"_{name}")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    return registry, bap, identity


def post(application: Any, path: str, body: bytes, authorization: str) -> None:
    """POST `body` to the WSGI `application` in this process; exits unless it answers 200."""
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "HTTP_AUTHORIZATION": authorization,
    }
    statuses: list[str] = []
    b"".join(application(environ, lambda status, headers: statuses.append(status)))
    if not statuses[0].startswith("200"):
        raise SystemExit(f"POST {path} answered {statuses[0]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per path (2000)")
    parser.add_argument("--warmup", type=int, default=200, help="uncounted requests (200)")
    parser.add_argument("--pyinstrument", action="store_true", help="print a call tree too")
    parser.add_argument("--cprofile", action="store_true", help="print the top functions too")
    args = parser.parse_args()

    registry, bap, identity = in_process("profile", DJANGO_ROOT_URLCONF="bench.urls")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from beckn.delivery import engine
    from beckn.inbound import layer2, services, views
    from beckn.inbound.serializers import MESSAGE_SERIALIZERS, ContextSerializer
    from config.celery import app as celery_app
    from config.wsgi import application

    queue_name = f"sunbeckn-profile-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue_name

    stages = Stages()
    stages.wrap(views, "authenticate", "signature (parse, key, verify)")
    stages.wrap(ContextSerializer, "is_valid", "validation (DRF serializers, layer 2)")
    for message_serializer in MESSAGE_SERIALIZERS.values():
        stages.wrap(message_serializer, "is_valid", "validation (DRF serializers, layer 2)")
    stages.wrap(layer2, "validate_request", "validation (DRF serializers, layer 2)")
    stages.wrap(engine, "callback_enqueue", "publish (broker message)")
    stages.wrap(services, "request_accept", "persistence (log + outbox rows)")

    def call(path: str, body: bytes, authorization: str) -> None:
        post(application, path, body, authorization)

    def searches(count: int) -> list[tuple[bytes, str]]:
        signed = []
        for _ in range(count):
            body = encode(seed_search(identity, bap.bap_uri))
            signed.append((body, identity.sign(body, ttl_seconds=900)))
        return signed

    def cpu_per_request(path: str, requests: list[tuple[bytes, str]]) -> float:
        started = time.thread_time()
        for body, authorization in requests:
            call(path, body, authorization)
        return (time.thread_time() - started) / len(requests)

    try:
        for body, authorization in searches(args.warmup):
            call("/beckn/search", body, authorization)
            call("/bench/ack", body, authorization)
        body, authorization = searches(1)[0]
        bare = cpu_per_request("/bench/ack", [(body, authorization)] * args.requests)
        stages.reset()
        full_requests = searches(args.requests)
        profiler = None
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        functions = cProfile.Profile() if args.cprofile else None
        if functions is not None:
            functions.enable()
        full = cpu_per_request("/beckn/search", full_requests)
        if functions is not None:
            functions.disable()
        if profiler is not None:
            profiler.stop()
    finally:
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue_name)
        registry.stop()
        bap.stop()

    n = args.requests
    print(f"CPU per request, in-process, {n} requests each ({describe()}):")
    print(f"  bare ACK view            {1000 * bare:7.3f} ms")
    print(f"  POST /beckn/search       {1000 * full:7.3f} ms  ({bare / full:.0%} of bare's rate)")
    stages.print_per_unit(full * n, n, "rest (Django, middleware, the view)")
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False))
    if functions is not None:
        print_top_functions(functions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
