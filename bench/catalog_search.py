"""Benchmark of catalog search as the catalog grows: 1k, 10k and 100k items.

    .venv/bin/python bench/catalog_search.py [--sizes 1000,10000,100000] [--searches 200]
                                             [--warmup 20] [--seed 42] [--items-per-provider 20]
                                             [--max-seconds 300] [--explain] [--json]

Runs on the database DATABASE_URL names, in a dedicated database of its own: on PostgreSQL
`sunbeckn_bench_catalog` on the same server (created if missing, `--database-name` to change), on
SQLite (no DATABASE_URL) a file in a temporary folder. Migrations are applied with
`manage.py migrate`. Then, for each size:

  1. flush the database and load `size` items from `size / --items-per-provider` installers with
     catalog.services.catalog_generate (the `generate_catalog` command), then ANALYZE, then
     render every on_search fragment (beckn.fragments, timed);
  2. run `--warmup` uncounted searches, then `--searches` searches (the same ones, drawn from
     `--seed`, at every size), each timed from the query to the on_search JSON text two ways:
     catalog.selectors.offer_search, then beckn.mapping.catalog.catalog_message, then json
     encoding; and the worker's path, beckn.fragments.catalog_answer (the stored fragments),
     then json encoding. The two messages must be equal.

The searches, like a buyer app's:
  gps+category+text   70 %: a point near a city (by population), a category, a phrase
  city+category+text  15 %: a city name, a category, a phrase
  single criterion    15 %: only a point, only a city, or only a phrase

Prints, per size and kind: p50 / p95 / p99 of search + mapping, p95 of the search query alone
(the ids of the matching items, timed separately before) and of offer_search alone (the items
with everything the mapping needs), p50 / p95 of the fragments' path ("frag"), the mean and
largest number of items found and the mean
size of the on_search JSON; the p95 by number of items found; then the growth factor from the
smallest to the largest size. The search phase of a size stops after `--max-seconds` (reported).
100k items on SQLite only run when asked for with --sizes. The PostgreSQL database is left with
the last size loaded (for EXPLAIN). Exit status 0, or 2 when the database cannot be prepared.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bench.stack import percentile  # noqa: E402

DEFAULT_SIZES = [1_000, 10_000, 100_000]
SQLITE_DEFAULT_SIZES = [1_000, 10_000]
KINDS = ["gps+category+text", "city+category+text", "single criterion"]
# What buyers type, by category: specific products and broad requests (the guide's own search is
# "Solar Installation Request").
PHRASES = {
    "solar_panel_installation": [
        "Solar Installation Request",
        "rooftop solar",
        "5kW rooftop",
        "ground mount solar",
        "commercial solar array",
        "solar carport",
        "inverter replacement",
        "solar panel cleaning",
    ],
    "battery_system_installation": [
        "home battery backup",
        "powerwall",
        "Enphase IQ battery",
        "battery retrofit",
        "LFP battery storage",
        "whole-home backup",
    ],
    "ev_charger_installation": [
        "level 2 charger",
        "EV charger installation",
        "wall connector",
        "DC fast charger",
        "workplace charging",
        "fleet charging",
    ],
    "meter_installation": [
        "smart meter",
        "net metering",
        "three-phase meter",
        "sub-meter",
        "meter replacement",
    ],
    "smart_device_installation": [
        "smart thermostat",
        "energy monitor",
        "smart panel",
        "heat pump controller",
        "energy management system",
    ],
}


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- database ---------------------------------------------------------------------------------


def bench_database_url(args: argparse.Namespace, temp_dir: Path) -> tuple[str, str]:
    """(vendor, url) of the dedicated database, created on PostgreSQL when missing."""
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if not url or scheme.startswith("sqlite"):
        return "sqlite", f"sqlite:///{temp_dir / 'bench_catalog.sqlite3'}"
    if not scheme.startswith("postgres"):
        raise SystemExit(f"DATABASE_URL: only PostgreSQL or SQLite are supported, not {scheme}")
    parts = urlsplit(url)
    bench_url = urlunsplit(parts._replace(path=f"/{args.database_name}"))
    _postgres_database_ensure(urlunsplit(parts._replace(path="/postgres")), args.database_name)
    return "postgresql", bench_url


def _postgres_database_ensure(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            progress(f"creating database {name}")
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_ROOT,
        env=env,
        check=True,
    )


# -- searches ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Search:
    kind: str
    query: Any  # catalog.selectors.OfferQuery


def searches(count: int, seed: int) -> list[Search]:
    """`count` searches drawn from `seed`: the same list for every catalog size."""
    from catalog.selectors import OfferQuery
    from catalog.synthetic import CITIES, CITY_WEIGHTS

    rng = random.Random(seed)
    result = []
    for _ in range(count):
        city_name, _, lat, lng, _, _ = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
        # A home within ~10 km of the city centre.
        lat += rng.uniform(-0.09, 0.09)
        lng += rng.uniform(-0.11, 0.11)
        category = rng.choice(list(PHRASES))
        text = rng.choice(PHRASES[category])
        roll = rng.random()
        if roll < 0.70:
            query = OfferQuery(latitude=lat, longitude=lng, category_code=category, text=text)
            kind = KINDS[0]
        elif roll < 0.85:
            query = OfferQuery(city_name=city_name, category_code=category, text=text)
            kind = KINDS[1]
        else:
            query = rng.choice(
                [
                    OfferQuery(latitude=lat, longitude=lng),
                    OfferQuery(city_name=city_name),
                    OfferQuery(text=text),
                ]
            )
            kind = KINDS[2]
        result.append(Search(kind, query))
    return result


@dataclass
class Measure:
    kind: str
    sql_ms: float  # the search query alone (matching item ids)
    search_ms: float  # offer_search: the items with everything the mapping needs
    total_ms: float
    items: int
    json_bytes: int
    fragments_ms: float  # beckn.fragments.catalog_answer + json: the worker's path


def run_search(search: Search) -> Measure:
    from django.conf import settings

    from beckn.fragments import catalog_answer
    from beckn.mapping.catalog import catalog_message
    from catalog.selectors import items_matching, offer_search

    limit = settings.BECKN_SEARCH_MAX_ITEMS
    started = time.perf_counter()
    list(items_matching(search.query).values_list("pk", flat=True))
    sql_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    providers = offer_search(search.query, limit=limit)
    searched = time.perf_counter()
    message = catalog_message(providers)
    body = json.dumps(message, separators=(",", ":"))
    done = time.perf_counter()
    fragments_body = json.dumps(catalog_answer(search.query, limit=limit).message)
    fragments_done = time.perf_counter()
    if json.loads(fragments_body) != message:
        raise SystemExit(f"The fragments' on_search differs from the models' for {search.query}")
    return Measure(
        search.kind,
        sql_ms,
        (searched - started) * 1000,
        (done - started) * 1000,
        sum(len(p.matching_items) for p in providers),
        len(body),
        (fragments_done - done) * 1000,
    )


# -- one size ---------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    providers: int = 0
    locations: int = 0
    load_s: float = 0.0
    render_s: float = 0.0  # every fragment rendered and stored (beckn.fragments)
    measures: list[Measure] = field(default_factory=list)
    planned: int = 0
    stopped_early: bool = False
    explain: str = ""

    def rows(self) -> list[dict[str, Any]]:
        rows = []
        for kind in [*KINDS, "all"]:
            ms = [m for m in self.measures if kind in (m.kind, "all")]
            if not ms:
                continue
            total = [m.total_ms for m in ms]
            rows.append(
                {
                    "size": self.size,
                    "kind": kind,
                    "searches": len(ms),
                    "p50_ms": percentile(total, 50),
                    "p95_ms": percentile(total, 95),
                    "p99_ms": percentile(total, 99),
                    "sql_p95_ms": percentile([m.sql_ms for m in ms], 95),
                    "search_p95_ms": percentile([m.search_ms for m in ms], 95),
                    "fragments_p50_ms": percentile([m.fragments_ms for m in ms], 50),
                    "fragments_p95_ms": percentile([m.fragments_ms for m in ms], 95),
                    "mean_items": statistics.fmean(m.items for m in ms),
                    "max_items": max(m.items for m in ms),
                    "mean_json_kb": statistics.fmean(m.json_bytes for m in ms) / 1024,
                }
            )
        return rows


def run_size(size: int, args: argparse.Namespace, vendor: str) -> SizeResult:
    from django.core.management import call_command
    from django.db import connection

    from catalog.models import ServiceLocation
    from catalog.services import catalog_generate

    result = SizeResult(size)
    progress(f"{size} items: flushing the bench database")
    call_command("flush", interactive=False, verbosity=0)
    providers = max(1, size // args.items_per_provider)
    progress(f"{size} items: generating {providers} installers (seed {args.seed})")
    started = time.monotonic()
    generated = catalog_generate(items=size, providers=providers, seed=args.seed)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    result.load_s = time.monotonic() - started
    result.providers = generated.providers
    result.locations = ServiceLocation.objects.count()
    progress(f"{size} items: rendering every on_search fragment")
    started = time.monotonic()
    fragments_render_all()
    result.render_s = time.monotonic() - started

    warm = searches(args.warmup, args.seed + 1)
    planned = searches(args.searches, args.seed)
    result.planned = len(planned)
    progress(f"{size} items: {len(warm)} warmup + {len(planned)} searches")
    for search in warm:
        run_search(search)
    deadline = time.monotonic() + args.max_seconds
    for search in planned:
        if time.monotonic() > deadline:
            result.stopped_early = True
            break
        result.measures.append(run_search(search))
    if args.explain and vendor == "postgresql":
        result.explain = explain()
    return result


def fragments_render_all(batch: int = 2000) -> None:
    """Render and store the fragments of every item and provider, a batch at a time (what the
    searches would otherwise render as they miss them)."""
    from beckn.fragments import fragments_fill
    from catalog.models import Item, Provider

    provider_ids = list(Provider.objects.order_by("pk").values_list("pk", flat=True))
    item_ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, max(len(item_ids), len(provider_ids)), batch):
        fragments_fill(
            item_ids=item_ids[start : start + batch],
            provider_ids=provider_ids[start : start + batch],
        )


def explain() -> str:
    """EXPLAIN ANALYZE of a typical search (near San Francisco, solar, "rooftop solar"): the
    service locations near the point, then the matching items."""
    from catalog.selectors import OfferQuery, items_matching, service_locations_near

    latitude, longitude = 37.7749, -122.4194
    near = service_locations_near(latitude=latitude, longitude=longitude).order_by().values("pk")
    query = OfferQuery(
        latitude=latitude,
        longitude=longitude,
        category_code="solar_panel_installation",
        text="rooftop solar",
    )
    return "\n\n".join(
        [
            near.explain(analyze=True, buffers=True),
            items_matching(query).explain(analyze=True, buffers=True),
        ]
    )


# -- report -----------------------------------------------------------------------------------


ITEM_BUCKETS = [(0, 50), (51, 200), (201, 1000), (1001, None)]


def by_items_found(measures: list[Measure]) -> list[str]:
    """'0-50: n=120 p95=12.3', ... for the searches whose item count falls in each bucket."""
    parts = []
    for low, high in ITEM_BUCKETS:
        ms = [m.total_ms for m in measures if low <= m.items and (high is None or m.items <= high)]
        label = f"{low}-{high}" if high is not None else f">{low - 1}"
        p95 = percentile(ms, 95)
        parts.append(f"{label}: n={len(ms)}" + (f" p95={p95:.1f}" if p95 is not None else ""))
    return parts


def print_table(results: list[SizeResult], setup: dict[str, Any]) -> None:
    def cell(value: Any, width: int, digits: int = 1) -> str:
        if value is None:
            return "-".rjust(width)
        if isinstance(value, float):
            return f"{value:.{digits}f}".rjust(width)
        return str(value).rjust(width)

    header = (
        f"{'items':>8}  {'kind':<20}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'sql p95':>9}{'search p95':>12}{'frag p50':>10}{'frag p95':>10}"
        f"{'mean items':>12}{'max items':>11}{'mean KB':>9}"
    )
    print(header)
    print("-" * len(header))
    for result in results:
        for row in result.rows():
            print(
                f"{cell(row['size'], 8)}  {row['kind']:<20}{cell(row['searches'], 5)}"
                f"{cell(row['p50_ms'], 9)}{cell(row['p95_ms'], 9)}{cell(row['p99_ms'], 9)}"
                f"{cell(row['sql_p95_ms'], 9)}{cell(row['search_p95_ms'], 12)}"
                f"{cell(row['fragments_p50_ms'], 10)}{cell(row['fragments_p95_ms'], 10)}"
                f"{cell(row['mean_items'], 12)}"
                f"{cell(row['max_items'], 11)}{cell(row['mean_json_kb'], 9, 0)}"
            )
        print("-" * len(header))
    print()
    for result in results:
        note = (
            f" (stopped after {len(result.measures)} of {result.planned}: --max-seconds)"
            if result.stopped_early
            else ""
        )
        print(
            f"{result.size} items: {result.providers} installers, {result.locations} service "
            f"locations, loaded and analyzed in {result.load_s:.1f} s, every on_search "
            f"fragment rendered in {result.render_s:.1f} s{note}"
        )
    print()
    print("p95 ms (search + mapping) by number of items found, all kinds:")
    for result in results:
        print(f"  {result.size:>7} items: " + "; ".join(by_items_found(result.measures)))
    if len(results) > 1:
        first, last = results[0], results[-1]
        print()
        print(f"growth {first.size} -> {last.size} items ({last.size / first.size:g}x the data):")
        rows_first = {row["kind"]: row for row in first.rows()}
        for row in last.rows():
            base = rows_first.get(row["kind"])
            if not base:
                continue
            parts = []
            for key, label in (("p50_ms", "p50"), ("p95_ms", "p95"), ("mean_items", "items")):
                parts.append(f"{label} x{row[key] / base[key]:.1f}" if base[key] else f"{label} -")
            print(f"  {row['kind']:<20}" + ", ".join(parts))
    print()
    print(
        f"setup: {setup['database']}, {setup['cpus']} CPUs (shared with the database server "
        f"when there is one), Python {setup['python']}, seed {setup['seed']}, warmup "
        f"{setup['warmup']}; each search is timed from the query to the on_search JSON text "
        f"(offer_search + beckn.mapping.catalog.catalog_message + json); 'search p95' is "
        f"offer_search alone, 'sql p95' the search query alone (ids of the matching items, run "
        f"separately); 'frag' is the worker's path, the same on_search answered from the "
        f"stored fragments (beckn.fragments.catalog_answer + json), checked equal. "
        f"Load average before / after: {setup['load_average'][0]} / {setup['load_average'][1]}."
    )
    for note in setup["notes"]:
        print(f"note: {note}")
    for result in results:
        if result.explain:
            print()
            print(
                f"EXPLAIN ANALYZE at {result.size} items (near San Francisco, solar, "
                f"'rooftop solar'):"
            )
            print(result.explain)


def main() -> int:
    parser = argparse.ArgumentParser(description="Benchmark catalog search at 1k, 10k, 100k.")
    parser.add_argument(
        "--sizes",
        help="comma-separated catalog sizes in items (1000,10000,100000; on SQLite 1000,10000)",
    )
    parser.add_argument("--searches", type=int, default=200, help="timed searches per size (200)")
    parser.add_argument("--warmup", type=int, default=20, help="uncounted searches first (20)")
    parser.add_argument("--seed", type=int, default=42, help="seed of catalog and searches (42)")
    parser.add_argument(
        "--items-per-provider", type=int, default=20, help="average items per installer (20)"
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=300.0,
        help="stop the searches of a size after this many seconds (300)",
    )
    parser.add_argument(
        "--database-name",
        default="sunbeckn_bench_catalog",
        help="PostgreSQL database to use (sunbeckn_bench_catalog); flushed at every size",
    )
    parser.add_argument("--explain", action="store_true", help="print a query plan per size")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.searches < 1 or args.warmup < 0 or args.items_per_provider < 1:
        parser.error("--searches and --items-per-provider must be >= 1, --warmup >= 0")

    temp_dir = Path(tempfile.mkdtemp(prefix="sunbeckn-bench-catalog-"))
    try:
        return run(args, temp_dir)
    finally:
        shutil.rmtree(temp_dir, ignore_errors=True)


def run(args: argparse.Namespace, temp_dir: Path) -> int:
    """The benchmark, with DATA_DIR (and the SQLite database) in temp_dir."""
    notes = []
    try:
        vendor, url = bench_database_url(args, temp_dir)
    except Exception as exc:  # whatever stops us reaching the server ends the run
        print(f"benchmark FAILED: cannot prepare the database: {exc}", file=sys.stderr)
        return 2
    if args.sizes:
        sizes = [int(size) for size in args.sizes.split(",")]
    elif vendor == "sqlite":
        sizes = SQLITE_DEFAULT_SIZES
        notes.append(
            "SQLite: 100k items skipped by default (use --sizes 1000,10000,100000 to run it); "
            "set DATABASE_URL to a PostgreSQL server for the production figures."
        )
    else:
        sizes = DEFAULT_SIZES
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DATA_DIR": str(temp_dir),
        "DJANGO_SETTINGS_MODULE": "config.django.base",
    }
    os.environ.update(env)
    progress(f"database: {vendor} {url}; applying migrations")
    try:
        migrate(env)
    except subprocess.CalledProcessError as exc:
        print(f"benchmark FAILED: migrate exited with {exc.returncode}", file=sys.stderr)
        return 2

    import django

    django.setup()
    from django.db import connection

    from config.gc import tune_after_startup

    tune_after_startup()  # as the Celery worker that composes on_search does (config/gc.py)
    load_before = os.getloadavg()[0]
    results = [run_size(size, args, vendor) for size in sizes]
    version = ".".join(map(str, connection.get_database_version()))
    setup = {
        "database": f"{connection.display_name} {version}",
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "seed": args.seed,
        "warmup": args.warmup,
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "notes": notes,
    }
    if args.json:
        print(
            json.dumps(
                {
                    "rows": [row for result in results for row in result.rows()],
                    "sizes": [
                        {
                            "size": r.size,
                            "providers": r.providers,
                            "locations": r.locations,
                            "load_s": round(r.load_s, 1),
                            "render_s": round(r.render_s, 1),
                            "searches": len(r.measures),
                            "stopped_early": r.stopped_early,
                        }
                        for r in results
                    ],
                    "setup": setup,
                },
                indent=2,
            )
        )
    else:
        print_table(results, setup)
    return 0


if __name__ == "__main__":
    sys.exit(main())
