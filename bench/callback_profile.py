"""Where the CPU of one on_search goes in the worker, measured in-process (no broker, no HTTP
server of ours).

    .venv/bin/python bench/callback_profile.py [--requests N=1000] [--cprofile]

Loads the demo catalog, accepts N unique signed searches through the WSGI application (their
log and outbox rows written as a real ACK writes them; their broker messages go to a queue of
their own, purged at the end), then delivers their on_search callbacks to a fake BAP from this
process, each as the Celery task does (one `deliver_callback` per callback). Prints the thread CPU
time per callback, split by stage: claim (lease), load (the outbox row), compose (catalog search
and on_search), sign, send (HTTP), outcome (the attempt recorded), and the rest. With
--cprofile, also the 30 functions with the most cumulative time.

The environment selects the services as for `make run`: DATABASE_URL (PostgreSQL: a database of
its own, its name + "_callback_profile", dropped and created afresh and migrated) and REDIS_URL.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


from beckn.peers import encode, seed_search  # noqa: E402
from bench.ack_profile import Stages, describe, in_process, post, print_top_functions  # noqa: E402

# The engine's functions timed as stages (those it has).
STAGES = {
    "_claim": "claim (lease)",
    "_load": "load (outbox rows)",
    "_compose": "compose (catalog search, on_search)",
    "signed_body": "sign",
    "_send": "send (HTTP)",
    "_record_attempt": "outcome (recorded)",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=1000, help="callbacks (1000)")
    parser.add_argument("--warmup", type=int, default=100, help="uncounted callbacks (100)")
    parser.add_argument("--cprofile", action="store_true", help="print the top functions too")
    args = parser.parse_args()

    registry, bap, identity = in_process(
        "callback_profile",
        # Every callback of the backlog may be leased at once: the stages, not the limit.
        BECKN_CALLBACK_MAX_IN_FLIGHT_PER_BAP=str(args.requests + args.warmup),
    )

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo_catalog", verbosity=0)

    from beckn.delivery import engine
    from beckn.models import OutboundMessage
    from config.celery import app as celery_app
    from config.wsgi import application

    queue_name = f"sunbeckn-callback-profile-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_default_queue = queue_name

    def accept(count: int) -> list[int]:
        first = OutboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        for _ in range(count):
            body = encode(seed_search(identity, bap.bap_uri))
            post(application, "/beckn/search", body, identity.sign(body, ttl_seconds=900))
        return list(
            OutboundMessage.objects.filter(pk__gt=first).order_by("pk").values_list("pk", flat=True)
        )

    def deliver(ids: list[int]) -> float:
        started = time.thread_time()
        for outbound_id in ids:
            engine.deliver_callback.run(outbound_id)
        return time.thread_time() - started

    stages = Stages()
    for name, stage in STAGES.items():
        if hasattr(engine, name):
            stages.wrap(engine, name, stage)

    try:
        deliver(accept(args.warmup))
        ids = accept(args.requests)
        stages.reset()
        profiler = cProfile.Profile() if args.cprofile else None
        if profiler is not None:
            profiler.enable()
        seconds = deliver(ids)
        if profiler is not None:
            profiler.disable()
        sent = OutboundMessage.objects.filter(
            pk__in=ids, status=OutboundMessage.Status.SENT
        ).count()
    finally:
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_purge(queue_name)
        registry.stop()
        bap.stop()

    n = args.requests
    print(f"CPU per on_search in the worker, in-process, {n} callbacks ({describe()}):")
    print(f"  all                                     {1000 * seconds / n:7.3f} ms ({sent} sent)")
    stages.print_per_unit(seconds, n, "rest (task, lanes, hand-offs)")
    if profiler is not None:
        print_top_functions(profiler)
    return 0 if sent == n else 1


if __name__ == "__main__":
    sys.exit(main())
