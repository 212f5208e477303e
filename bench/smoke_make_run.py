"""Smoke test of `make run`: one signed search in, one signed on_search out.

    .venv/bin/python bench/smoke_make_run.py [--timeout 180] [--callback-timeout 60]

Starts a fake registry and a fake BAP (beckn.peers), runs the product with `make run` pointed
at that registry, sends the guide's search and checks the ACK and the on_search callback.
Exit status 0 when every check passes, 1 otherwise (the failing check says why).
"""

from __future__ import annotations

import argparse
import base64
import queue
import sys
import time
import traceback
import uuid
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

import requests  # noqa: E402
from nacl.signing import SigningKey  # noqa: E402

from beckn import signing  # noqa: E402
from beckn.peers import (  # noqa: E402
    ACK,
    BapIdentity,
    CallbackServer,
    Registry,
    post_signed,
    seed_search,
)
from bench.stack import Stack, StackError, quiet_disconnects  # noqa: E402

EXPECTED_PROVIDER = "sunpower_sf"
EXPECTED_ITEM = "sp-resi-001"


class CheckFailed(Exception):
    pass


def check(ok: bool, what: str, detail: str = "") -> None:
    if ok:
        print(f"PASS  {what}", flush=True)
        return
    print(f"FAIL  {what}" + (f": {detail}" if detail else ""), flush=True)
    raise CheckFailed(what)


def bpp_env(registry_url: str) -> tuple[dict[str, str], str, str, str]:
    """Child env with a known signing identity; returns (env, public_key, subscriber, key id)."""
    key = SigningKey.generate()
    subscriber_id = "sunbeckn-smoke.localhost"
    key_id = f"smoke-{uuid.uuid4().hex[:8]}"
    env = {
        "BECKN_REGISTRY_URL": registry_url,
        "BECKN_SIGNING_PRIVATE_KEY": base64.b64encode(bytes(key)).decode(),
        "BECKN_UNIQUE_KEY_ID": key_id,
        "BECKN_SUBSCRIBER_ID": subscriber_id,
    }
    return env, signing.public_key_base64(key), subscriber_id, key_id


def run(args: argparse.Namespace) -> None:
    with Registry() as registry, CallbackServer() as bap:
        quiet_disconnects(registry, bap)
        identity = BapIdentity()
        registry.entries.append(identity.registry_entry(url=bap.bap_uri))
        env, bpp_public_key, bpp_subscriber, bpp_key_id = bpp_env(registry.url)

        started = time.monotonic()
        try:
            stack = Stack(env=env, timeout=args.timeout).start()
        except StackError as exc:
            check(False, "make run: /healthz answers 200", str(exc))
            return
        try:
            check(
                True,
                f"make run: /healthz answers 200 after {time.monotonic() - started:.1f} s "
                f"(database {stack.health.get('database', {}).get('engine')}, "
                f"broker {stack.health.get('broker', {}).get('transport')})",
            )
            try:
                _pages(stack)
                _exchange(args, stack, identity, bap, bpp_public_key, bpp_subscriber, bpp_key_id)
            except Exception:
                stack.mark_failed()
                stack.print_log()
                raise
        finally:
            stack.stop()


def _pages(stack: Stack) -> None:
    """The homeowner's and the installer's front doors answer as a newcomer finds them."""
    found = requests.get(
        stack.base_url + "/", params={"where": "San Francisco", "type": "SOLAR_PANEL"}, timeout=10
    )
    check(
        found.status_code == 200 and "SunPower Installers" in found.text,
        "GET /?where=San Francisco&type=SOLAR_PANEL lists SunPower's offer",
        f"HTTP {found.status_code}",
    )
    workspace = requests.get(stack.base_url + "/installer/", allow_redirects=False, timeout=10)
    check(
        workspace.status_code == 302
        and "/accounts/login/" in workspace.headers.get("Location", ""),
        "GET /installer/ asks to sign in",
        f"HTTP {workspace.status_code} {workspace.headers.get('Location')}",
    )
    script = requests.get(stack.base_url + "/static/vendor/htmx-2.0.11/htmx.min.js", timeout=10)
    check(script.status_code == 200, "static files are served (htmx)", f"HTTP {script.status_code}")


def _exchange(args, stack, identity, bap, bpp_public_key, bpp_subscriber, bpp_key_id) -> None:
    request = seed_search(identity, bap.bap_uri)
    context = request["context"]
    response = post_signed(f"{stack.base_url}/beckn/search", request, identity)
    check(
        response.status_code == 200,
        "POST /beckn/search answers HTTP 200",
        f"HTTP {response.status_code}: {response.text[:500]}",
    )
    try:
        answer = response.json()
    except ValueError:
        answer = None
    check(answer == ACK, 'the answer is {"message":{"ack":{"status":"ACK"}}}', response.text[:500])

    deadline = time.monotonic() + args.callback_timeout
    callback = None
    while callback is None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        try:
            candidate = bap.wait(timeout=remaining)
        except queue.Empty:
            break
        try:
            if candidate.payload.get("context", {}).get("message_id") == context["message_id"]:
                callback = candidate
        except ValueError:
            continue
    check(
        callback is not None,
        f"an on_search callback arrives within {args.callback_timeout:.0f} s",
        f"{len(bap.all)} callback(s) received, none for message_id {context['message_id']}",
    )
    assert callback is not None
    check(
        callback.path.endswith("/on_search"),
        "the callback path ends with /on_search",
        callback.path,
    )
    payload = callback.payload
    cb_context = payload.get("context", {})
    check(
        cb_context.get("action") == "on_search",
        'context.action == "on_search"',
        repr(cb_context.get("action")),
    )
    check(
        cb_context.get("transaction_id") == context["transaction_id"],
        "context.transaction_id echoes the request",
        f"{cb_context.get('transaction_id')!r} != {context['transaction_id']!r}",
    )
    check(
        cb_context.get("message_id") == context["message_id"],
        "context.message_id echoes the request",
        f"{cb_context.get('message_id')!r} != {context['message_id']!r}",
    )
    try:
        header = callback.verify(bpp_public_key)
        problem = ""
        if (header.subscriber_id, header.unique_key_id) != (bpp_subscriber, bpp_key_id):
            problem = (
                f"keyId names {header.subscriber_id}|{header.unique_key_id}, expected "
                f"{bpp_subscriber}|{bpp_key_id}"
            )
    except signing.SignatureError as exc:
        problem = str(exc)
    check(not problem, "the callback signature verifies against the BPP public key", problem)
    providers = (payload.get("message") or {}).get("catalog", {}).get("providers") or []
    provider = next((p for p in providers if p.get("id") == EXPECTED_PROVIDER), None)
    check(
        provider is not None,
        f"message.catalog.providers contains {EXPECTED_PROVIDER}",
        f"provider ids: {[p.get('id') for p in providers]}",
    )
    assert provider is not None
    item_ids = [item.get("id") for item in provider.get("items") or []]
    check(
        EXPECTED_ITEM in item_ids,
        f"provider {EXPECTED_PROVIDER} offers item {EXPECTED_ITEM}",
        f"item ids: {item_ids}",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--timeout",
        type=float,
        default=180.0,
        help="seconds for `make run` to answer /healthz (default 180)",
    )
    parser.add_argument(
        "--callback-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for the on_search callback (default 60)",
    )
    args = parser.parse_args()
    try:
        run(args)
    except CheckFailed as exc:
        print(f"smoke test FAILED: {exc}", flush=True)
        return 1
    except KeyboardInterrupt:
        print("smoke test interrupted", flush=True)
        return 1
    except Exception as exc:
        traceback.print_exc()
        print(f"smoke test FAILED: unexpected {type(exc).__name__}: {exc}", flush=True)
        return 1
    print("smoke test passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
