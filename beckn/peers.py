"""Small, real network peers on 127.0.0.1: a BAP that receives callbacks and a registry.

Used by the test suite, the CI smoke test and the benchmarks to play the other side of the
network, as HTTP servers in a background thread.
"""

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
from nacl.signing import SigningKey

from beckn import signing

JSON = dict[str, Any]


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
