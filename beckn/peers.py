"""Small, real network peers on 127.0.0.1: a BAP that receives callbacks and a registry.

Used by the test suite, the CI smoke test and the benchmarks to play the other side of the
network, as HTTP servers in a background thread.
"""

import functools
import json
import queue
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from nacl.bindings import crypto_scalarmult
from nacl.public import PrivateKey
from nacl.signing import SigningKey

from beckn import conformance, encryption, signing
from beckn.openapi import SpecSchemas

JSON = dict[str, Any]


@functools.lru_cache(maxsize=8)
def spec_schemas(path: str) -> SpecSchemas:
    """The OpenAPI document at `path`, loaded once per process."""
    return SpecSchemas(path)


@dataclass
class BapIdentity:
    """A network participant's id, key id and key; signs requests as that participant."""

    subscriber_id: str = field(default_factory=lambda: f"bap-{uuid.uuid4().hex[:8]}.test")
    unique_key_id: str = field(default_factory=lambda: f"key-{uuid.uuid4().hex[:8]}")
    key: SigningKey = field(default_factory=SigningKey.generate)

    @property
    def public_key(self) -> str:
        return signing.public_key_base64(self.key)

    def sign(self, body: bytes, *, created: int | None = None, ttl_seconds: int = 300) -> str:
        return signing.sign(
            body,
            subscriber_id=self.subscriber_id,
            unique_key_id=self.unique_key_id,
            key=self.key,
            created=created,
            ttl_seconds=ttl_seconds,
        )

    def registry_entry(self, url: str, *, type: str = "BAP", status: str = "SUBSCRIBED") -> JSON:
        now = datetime.now(UTC)
        return {
            "subscriber_id": self.subscriber_id,
            "url": url,
            "type": type,
            "domain": "service",
            "key_id": self.unique_key_id,
            "signing_public_key": self.public_key,
            "valid_from": (now - timedelta(days=1)).isoformat(),
            "valid_until": (now + timedelta(days=365)).isoformat(),
            "status": status,
        }


def encode(payload: JSON) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def post_signed(url: str, payload: JSON, identity: BapIdentity, **kwargs: Any) -> requests.Response:
    body = encode(payload)
    headers = {"Content-Type": "application/json", "Authorization": identity.sign(body)}
    return requests.post(url, data=body, headers=headers, timeout=10, **kwargs)


@dataclass
class ReceivedCallback:
    path: str
    body: bytes
    headers: dict[str, str]
    received_at: float

    @property
    def payload(self) -> JSON:
        return json.loads(self.body)

    def verify(self, public_key: str) -> signing.SignatureHeader:
        """Check our signature the way a BAP must; raises signing.SignatureError."""
        header = signing.parse_header(self.headers.get("Authorization", ""))
        signing.check_times(header, skew=5)
        signing.verify(header, self.body, public_key)
        return header


class _Server:
    """A threading HTTP server on 127.0.0.1 that hands POSTs to `handle(path, body, headers)`."""

    def __init__(self, port: int = 0) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without TCP_NODELAY the body waits for
            # the client's delayed ACK (40 ms) on a kept-alive connection.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status, answer = owner.handle(self.path, body, dict(self.headers.items()))
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, JSON]:
        raise NotImplementedError

    def start(self) -> "_Server":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


ACK = {"message": {"ack": {"status": "ACK"}}}


class CallbackServer(_Server):
    """A BAP's callback endpoint: records every callback; `status_for` decides the answer."""

    def __init__(self, port: int = 0, *, path: str = "/bap") -> None:
        super().__init__(port)
        self.path = path
        self.received: queue.Queue[ReceivedCallback] = queue.Queue()
        self.all: list[ReceivedCallback] = []
        self.status_for: Callable[[ReceivedCallback], int] = lambda callback: 200
        self._lock = threading.Lock()

    @property
    def bap_uri(self) -> str:
        return self.url + self.path

    def handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, JSON]:
        callback = ReceivedCallback(path, body, headers, time.monotonic())
        status = self.status_for(callback)
        if status < 300:
            with self._lock:
                self.all.append(callback)
            self.received.put(callback)
        return status, ACK if status < 300 else {"error": "unavailable"}

    def wait(self, timeout: float = 15.0) -> ReceivedCallback:
        """The next callback accepted; raises queue.Empty after `timeout` seconds."""
        return self.received.get(timeout=timeout)

    def for_message(self, message_id: str) -> list[ReceivedCallback]:
        with self._lock:
            return [c for c in self.all if c.payload["context"]["message_id"] == message_id]


class Registry(_Server):
    """A registry answering `POST /lookup` from a list of subscription entries."""

    def __init__(self, port: int = 0) -> None:
        super().__init__(port)
        self.entries: list[JSON] = []
        self.lookups: list[JSON] = []
        self.available = True

    def handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        if path.rstrip("/") != "/lookup":
            return 404, {"error": "not found"}
        if not self.available:
            return 503, {"error": "unavailable"}
        query = json.loads(body or b"{}")
        self.lookups.append(query)
        found = [
            entry
            for entry in self.entries
            if all(
                entry.get(name) == value
                for name, value in query.items()
                if name in ("subscriber_id", "key_id", "type", "domain")
            )
        ]
        return 200, found


def seed_search(identity: BapIdentity, bap_uri: str, **context: Any) -> JSON:
    """The guide's search request, from `identity`, with fresh ids and timestamp."""
    message_id = str(uuid.uuid4())
    return {
        "context": {
            "domain": "service",
            "action": "search",
            "version": "1.1.0",
            "bap_id": identity.subscriber_id,
            "bap_uri": bap_uri,
            "transaction_id": str(uuid.uuid4()),
            "message_id": message_id,
            "timestamp": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "ttl": "PT10M",
            "location": {"country": {"code": "USA"}, "city": {"code": "NANP:628"}},
            **context,
        },
        "message": {
            "intent": {
                "descriptor": {"name": "Solar Installation Request"},
                "provider": {"descriptor": {"name": "SunPower Installers"}},
                "category": {"descriptor": {"code": "solar_panel_installation"}},
            }
        },
    }


def _nack(message: str) -> JSON:
    return {"message": {"ack": {"status": "NACK"}}, "error": {"code": "30000", "message": message}}


@dataclass
class ChallengeRound:
    """One on_subscribe challenge a registry sent, and how it was answered."""

    subscriber_id: str
    key_id: str
    challenge: str
    answer: object
    ok: bool


class SubscribingRegistry(Registry):
    """A registry that also takes `POST /subscribe` as deployed registries do.

    It checks the subscriber's signature (with a key it already trusts, or, for a first
    subscription, with the key being announced), records the key as UNDER_SUBSCRIPTION, sends a
    random challenge encrypted for the subscriber's X25519 key (shared secret computed with
    PyNaCl, AES-256-ECB, base64) to `<url>/on_subscribe`, signed with its own key, and marks the
    key SUBSCRIBED when the answer is the challenge. `/lookup` lists every key, old and new.
    """

    REQUIRED = (
        "subscriber_id",
        "url",
        "type",
        "domain",
        "key_id",
        "signing_public_key",
        "encr_public_key",
        "valid_from",
        "valid_until",
    )

    def __init__(self, port: int = 0, *, subscriber_id: str = "registry.test") -> None:
        super().__init__(port)
        self.identity = BapIdentity(subscriber_id=subscriber_id)
        self.encryption_key = PrivateKey.generate()
        self.subscriptions: list[JSON] = []
        self.challenges: list[ChallengeRound] = []
        self._entries_lock = threading.Lock()

    @property
    def encryption_public_key(self) -> str:
        """Our X25519 public key in the DER form registries publish."""
        public = X25519PublicKey.from_public_bytes(bytes(self.encryption_key.public_key))
        return encryption.public_key_base64(public)

    def handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
        if path.rstrip("/") == "/subscribe":
            return self._subscribe(body, headers)
        return super().handle(path, body, headers)

    def entry(self, subscriber_id: str, key_id: str) -> JSON | None:
        with self._entries_lock:
            return next(
                (
                    e
                    for e in self.entries
                    if e["subscriber_id"] == subscriber_id and e.get("key_id") == key_id
                ),
                None,
            )

    def _trusted_key(self, subscription: JSON, header: signing.SignatureHeader) -> str:
        with self._entries_lock:
            known = [
                e
                for e in self.entries
                if e["subscriber_id"] == subscription["subscriber_id"]
                and e.get("status") == "SUBSCRIBED"
            ]
        for entry in known:
            if entry.get("key_id") == header.unique_key_id:
                return entry["signing_public_key"]
        if known or header.unique_key_id != subscription["key_id"]:
            raise signing.SignatureError("The subscription is signed with an unknown key.")
        return subscription["signing_public_key"]  # a first subscription proves its own key

    def _subscribe(self, body: bytes, headers: dict[str, str]) -> tuple[int, JSON]:
        try:
            subscription = json.loads(body)
        except ValueError:
            return 400, _nack("The body is not JSON.")
        if not isinstance(subscription, dict):
            return 400, _nack("The body is not a JSON object.")
        self.subscriptions.append(subscription)
        missing = [name for name in self.REQUIRED if not subscription.get(name)]
        if missing:
            return 400, _nack(f"Missing: {', '.join(missing)}.")
        try:
            header = signing.parse_header(headers.get("Authorization", ""))
            signing.check_times(header, skew=5)
            if header.subscriber_id != subscription["subscriber_id"]:
                raise signing.SignatureError("The signer is not the subscriber.")
            signing.verify(header, body, self._trusted_key(subscription, header))
            their_key = encryption.public_key_from_base64(subscription["encr_public_key"])
        except (signing.SignatureError, ValueError) as exc:
            return 401, _nack(str(exc))
        now = datetime.now(UTC).isoformat()
        record = {k: v for k, v in subscription.items() if k != "nonce"}
        record.update(status="UNDER_SUBSCRIPTION", created=now, updated=now)
        with self._entries_lock:
            self.entries[:] = [
                e
                for e in self.entries
                if (e["subscriber_id"], e.get("key_id"))
                != (record["subscriber_id"], record["key_id"])
            ]
            self.entries.append(record)

        challenge = encryption.new_challenge()
        shared = crypto_scalarmult(bytes(self.encryption_key), their_key.public_bytes_raw())
        on_subscribe = {
            "subscriber_id": record["subscriber_id"],
            "challenge": encryption.encrypt_challenge(challenge, key=shared),
        }
        answer: object = None
        try:
            response = post_signed(
                record["url"].rstrip("/") + "/on_subscribe", on_subscribe, self.identity
            )
            answer = response.json().get("answer")
        except (requests.RequestException, ValueError, AttributeError) as exc:
            answer = f"{type(exc).__name__}: {exc}"
        ok = answer == challenge
        self.challenges.append(
            ChallengeRound(record["subscriber_id"], record["key_id"], challenge, answer, ok)
        )
        if not ok:
            return 400, _nack(f"{record['url']}/on_subscribe: encryption verification failed.")
        with self._entries_lock:
            record.update(status="SUBSCRIBED", updated=datetime.now(UTC).isoformat())
        return 200, {"status": "UNDER_SUBSCRIPTION"}


class CheckedCallbackServer(CallbackServer):
    """A BAP's callback endpoint that also checks every callback: always against our own
    structural rules (beckn/conformance.py), and against OpenAPI documents where given.

    `spec_paths()` names the documents when a callback arrives (a network's layer-2 document...),
    `extra_spec_paths` more of them (the core specification...); each violation is kept in
    `violations`.
    """

    def __init__(
        self,
        port: int = 0,
        *,
        path: str = "/bap",
        spec_paths: Callable[[], list[str]] = list,
    ) -> None:
        super().__init__(port, path=path)
        self.spec_paths = spec_paths
        self.extra_spec_paths: list[str] = []
        self.violations: list[str] = []

    def handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, JSON]:
        action = path.rstrip("/").rsplit("/", 1)[-1]
        try:
            payload = json.loads(body)
        except ValueError:
            self.violations.append(f"{action}: the body is not JSON")
        else:
            for problem in conformance.violations(action, payload):
                self.violations.append(f"{action}: {problem}")
            for spec_path in [*self.spec_paths(), *self.extra_spec_paths]:
                for where, message in spec_schemas(spec_path).callback(action, payload):
                    self.violations.append(f"{action} against {spec_path}: {where}: {message}")
        return super().handle(path, body, headers)
