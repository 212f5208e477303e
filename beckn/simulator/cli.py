"""sunbeckn-simulate: play the DEG installation guide's story against a BPP and check every answer.

    sunbeckn-simulate --bpp-url http://127.0.0.1:8000/beckn --own-registry --registry-port 8765 \\
        --bpp-public-key <the BPP's base64 Ed25519 public key>
    sunbeckn-simulate --bpp-url https://bpp.example.com/beckn --registry-url https://registry \\
        --bap-id my-bap.example.com --bap-key-id k1 --bap-private-key <base64> \\
        --callback-url https://tunnel.example.com/bap --callback-port 9000
    sunbeckn-simulate ... --attack      # the trust layer: bad requests must be refused

Exit status: 0 when every step passes (a skipped step counts as passed unless --strict),
1 when a step fails, 2 when the command line or the set-up is wrong.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from beckn import signing
from beckn.openapi import SpecError, SpecSchemas, spec_file
from beckn.peers import BapIdentity, Registry

from .checks import KeyResolver
from .report import Progress, Report
from .story import SEED_PROVIDER_NAME, Inbox, Settings, Simulator, ttl_seconds

USAGE_ERROR = 2


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sunbeckn-simulate",
        description=(
            "A Beckn BAP that plays the DEG installation guide's story (search, select, init, "
            "xinput form and documents, confirm, status, rating) against a BPP and checks every "
            "ACK and callback: signature, context, Beckn 1.1.0 schema, DEG specifics."
        ),
        epilog="Exit status: 0 all steps passed, 1 a step failed, 2 usage or set-up error.",
    )
    parser.add_argument(
        "--bpp-url",
        help="the BPP's bpp_uri, to which /search, /select... are appended "
        "(Sunbeckn: http://HOST:PORT/beckn)",
    )
    keys = parser.add_argument_group("registry and keys")
    mode = keys.add_mutually_exclusive_group()
    mode.add_argument(
        "--own-registry",
        action="store_true",
        help="run a tiny registry on 127.0.0.1 holding this BAP's key; the BPP must use it as "
        "BECKN_REGISTRY_URL",
    )
    mode.add_argument(
        "--registry-url",
        help="a registry where this BAP's key is registered (see --bap-*) and where the BPP's "
        "key is looked up (POST /lookup)",
    )
    keys.add_argument(
        "--registry-port",
        type=int,
        default=0,
        help="port of the own registry (default: any free port; fix it so that the BPP can be "
        "started with BECKN_REGISTRY_URL before the simulator runs)",
    )
    keys.add_argument(
        "--bpp-public-key",
        help="the BPP's base64 Ed25519 signing public key (required with --own-registry; "
        "otherwise looked up in --registry-url)",
    )
    keys.add_argument("--bap-id", help="this BAP's subscriber_id (default: generated)")
    keys.add_argument("--bap-key-id", help="this BAP's unique_key_id (default: generated)")
    keys.add_argument(
        "--bap-private-key",
        help="this BAP's base64 Ed25519 private key, 32-byte seed or 64-byte seed+public key "
        "(default: generated)",
    )
    keys.add_argument(
        "--new-identity",
        action="store_true",
        help="print a new BAP key pair and the registry entry to register, then exit",
    )
    network = parser.add_argument_group("callbacks")
    network.add_argument(
        "--callback-port", type=int, default=0, help="port of the callback server (default: any)"
    )
    network.add_argument(
        "--callback-url",
        help="the bap_uri the BPP calls back (default http://127.0.0.1:PORT/bap); use your "
        "public or tunnelled url when the BPP is not on this machine",
    )
    network.add_argument(
        "--listen",
        default="127.0.0.1",
        help="address the callback server listens on (default 127.0.0.1)",
    )
    story = parser.add_argument_group("the story")
    story.add_argument(
        "--spec",
        help="the Beckn 1.1.0 transaction.yaml to validate callbacks with (default: "
        "transaction.yaml in $BECKN_SPEC_DIR, or in ../shared/beckn/spec-1.1.0 beside the "
        "repository, if there)",
    )
    story.add_argument("--ttl", default="PT10M", help="context.ttl of each request (PT10M)")
    story.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        help="seconds to wait for each callback, at most the ttl (default 30)",
    )
    story.add_argument(
        "--search-provider",
        default=SEED_PROVIDER_NAME,
        help=f"provider name searched for (default the guide's {SEED_PROVIDER_NAME!r}; "
        "'' searches every installer)",
    )
    story.add_argument(
        "--search-text",
        help="free text searched for (default the guide's; '' for none)",
    )
    story.add_argument("--rate", action="store_true", help="rate the order (5, Order) at the end")
    story.add_argument(
        "--strict", action="store_true", help="a skipped step fails the run (exit status 1)"
    )
    story.add_argument(
        "--attack",
        action="store_true",
        help="negative mode: unsigned, tampered, stale, foreign bap_uri and replayed requests "
        "must be refused (or, for the replay, answered once) with no callback",
    )
    story.add_argument(
        "--attack-window",
        type=float,
        default=3.0,
        help="seconds to watch for callbacks that must not come (default 3)",
    )
    story.add_argument(
        "--clock-skew",
        type=int,
        default=60,
        help="seconds of clock difference tolerated in callback signatures (default 60)",
    )
    output = parser.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="print a JSON report on stdout")
    output.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def identity_from(args: argparse.Namespace) -> BapIdentity:
    values = {}
    if args.bap_id:
        values["subscriber_id"] = args.bap_id
    if args.bap_key_id:
        values["unique_key_id"] = args.bap_key_id
    if args.bap_private_key:
        try:
            values["key"] = signing.signing_key_from_base64(args.bap_private_key)
        except ValueError as exc:
            raise UsageError(f"--bap-private-key: {exc}") from None
    return BapIdentity(**values)


def print_new_identity(args: argparse.Namespace) -> int:
    identity = identity_from(args)
    url = args.callback_url or "https://YOUR-PUBLIC-CALLBACK-URL/bap"
    print("# The simulator's BAP identity: register the entry below, then run with these flags.")
    print(
        f"--bap-id {identity.subscriber_id} --bap-key-id {identity.unique_key_id} "
        f"--bap-private-key {base64.b64encode(bytes(identity.key)).decode()} --callback-url {url}"
    )
    print(json.dumps(identity.registry_entry(url), indent=2))
    return 0


def check_arguments(args: argparse.Namespace) -> None:
    if not args.bpp_url:
        raise UsageError("--bpp-url is required")
    if not (args.own_registry or args.registry_url):
        raise UsageError(
            "say where the BPP learns this BAP's key: --own-registry (a registry run here) or "
            "--registry-url (where you registered --bap-id/--bap-key-id/--bap-private-key)"
        )
    if args.own_registry and not args.bpp_public_key:
        raise UsageError("--own-registry needs --bpp-public-key to verify the BPP's callbacks")
    if args.registry_url and not args.bap_private_key:
        raise UsageError(
            "with --registry-url, give the identity you registered there (--bap-id, "
            "--bap-key-id, --bap-private-key); --new-identity prints one to register"
        )
    if args.bpp_public_key:
        try:
            raw = base64.b64decode(args.bpp_public_key, validate=True)
        except ValueError:
            raise UsageError("--bpp-public-key is not base64") from None
        if len(raw) != 32:
            raise UsageError(f"--bpp-public-key must be 32 bytes, not {len(raw)}")
    try:
        ttl_seconds(args.ttl)
    except ValueError as exc:
        raise UsageError(f"--ttl: {exc}") from None


def load_schemas(args: argparse.Namespace) -> tuple[SpecSchemas | None, str | None]:
    path = Path(args.spec) if args.spec else spec_file()
    if path is None:
        return None, None
    try:
        return SpecSchemas(path), str(path)
    except SpecError as exc:
        raise UsageError(f"--spec: {exc}") from None


def run(args: argparse.Namespace) -> Report:
    check_arguments(args)
    identity = identity_from(args)
    schemas, spec_path = load_schemas(args)
    progress = Progress(sys.stderr if args.json else sys.stdout, enabled=not args.quiet)
    servers = []
    try:
        try:
            inbox = Inbox(args.callback_port, host=args.listen).start()
        except OSError as exc:
            raise UsageError(
                f"cannot listen on {args.listen}:{args.callback_port}: {exc}"
            ) from None
        servers.append(inbox)
        bap_uri = args.callback_url or inbox.bap_uri
        registry = None
        if args.own_registry:
            try:
                registry = Registry(args.registry_port).start()
            except OSError as exc:
                raise UsageError(
                    f"cannot run the registry on 127.0.0.1:{args.registry_port}: {exc}"
                ) from None
            servers.append(registry)
            registry.entries.append(identity.registry_entry(bap_uri))
        trap = None
        if args.attack:
            trap = Inbox(0, host=args.listen).start()
            servers.append(trap)

        report = Report(
            mode="attack" if args.attack else "story",
            bpp_url=args.bpp_url,
            bap_id=identity.subscriber_id,
            bap_uri=bap_uri,
            spec=spec_path,
            strict=args.strict,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        progress.say(
            f"BAP {identity.subscriber_id} (key {identity.unique_key_id}), callbacks at {bap_uri}"
        )
        if registry is not None:
            note = (
                f"own registry at {registry.url}: the BPP must run with "
                f"BECKN_REGISTRY_URL={registry.url}"
            )
            report.notes.append(note)
            progress.say(note)
        if spec_path is None:
            report.notes.append("no Beckn spec found: schema checks skipped (give --spec)")
            progress.say(report.notes[-1])
        settings = Settings(
            bpp_url=args.bpp_url,
            ttl=args.ttl,
            timeout=args.timeout,
            rate=args.rate,
            strict=args.strict,
            clock_skew=args.clock_skew,
            attack_window=args.attack_window,
            search_provider=args.search_provider,
            search_text=args.search_text,
        )
        resolver = KeyResolver(
            public_key=args.bpp_public_key,
            registry_url=None if args.own_registry else args.registry_url,
        )
        simulator = Simulator(
            settings,
            identity=identity,
            inbox=inbox,
            bap_uri=bap_uri,
            resolver=resolver,
            schemas=schemas,
            progress=progress,
            own_registry=registry,
            trap=trap,
        )
        if args.attack:
            simulator.run_attacks(report)
        else:
            simulator.run_story(report)
        if registry is not None:
            report.notes.append(f"the BPP looked up our key {len(registry.lookups)} time(s)")
        return report
    finally:
        for server in reversed(servers):
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.new_identity:
        return print_new_identity(args)
    try:
        report = run(args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if args.json:
        print(report.to_json())
    else:
        print()
        print(report.table())
    return report.exit_status
