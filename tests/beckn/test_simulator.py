"""The BAP simulator (beckn.simulator) as an installer runs it: a separate process playing the
guide's story against a BPP and reporting every check.

Against the product started as `make run` starts it (web server + Celery worker, embedded mode),
pointed at the simulator's own registry; against fake BPPs written here: one that serves the
guide's own example callbacks with an xinput form (the whole story passes, documents uploaded),
one whose signature is wrong and one that never calls back (both caught, exit status 1).

No Django test database: the product runs in a process of its own, on its own data.
"""

from __future__ import annotations

import base64
import contextlib
import email
import email.policy
import fcntl
import json
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from nacl.signing import SigningKey

from beckn import signing
from beckn.peers import BapIdentity, Registry, encode
from bench.stack import Stack, free_port, quiet_disconnects
from tests.beckn.conftest import spec_path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
STORY = ["search", "select", "init", "xinput", "confirm", "status"]
ATTACKS = ["unsigned", "tampered", "stale", "foreign_bap_uri", "replay"]


def simulate(*args: str, timeout: float = 180) -> tuple[int, dict[str, Any], str]:
    """Run `python -m beckn.simulator ... --json`; (exit status, JSON report, stderr)."""
    process = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "beckn.simulator", *args, "--json"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        report = json.loads(process.stdout)
    except ValueError:
        pytest.fail(
            f"no JSON report (exit {process.returncode})\nstdout:\n{process.stdout}\n"
            f"stderr:\n{process.stderr}"
        )
    return process.returncode, report, process.stderr


def steps(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {step["step"]: step for step in report["steps"]}


def check(step: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in step["checks"] if c["name"] == name)


@pytest.fixture
def spec_args(request: pytest.FixtureRequest) -> list[str]:
    """The core specification for the simulator's schema checks: without it they are reported
    as skipped and the run's summary says so (missing in CI: the test fails)."""
    spec = spec_path("transaction.yaml", request)
    return ["--spec", str(spec)] if spec is not None else []


def schema_result(spec_args: list[str]) -> str:
    """What the simulator's schema check reports: pass with the specification, skip without."""
    return "pass" if spec_args else "skip"


# -- the product, as `make run` runs it ----------------------------------------------------------


@dataclass
class LiveBpp:
    url: str
    public_key: str
    subscriber_id: str
    key_id: str
    registry_port: int
    stack: Stack


@contextlib.contextmanager
def one_stack_starting_at_a_time() -> Iterator[None]:
    """Parallel test workers start their stacks one after the other (`make run` may install)."""
    with open(Path(tempfile.gettempdir()) / "sunbeckn-test-stack.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def live_bpp() -> Iterator[LiveBpp]:
    key = SigningKey.generate()
    registry_port = free_port()
    subscriber_id, key_id = "sunbeckn-simulated.localhost", f"sim-{uuid.uuid4().hex[:8]}"
    stack = Stack(
        env={
            "BECKN_REGISTRY_URL": f"http://127.0.0.1:{registry_port}",
            "BECKN_SIGNING_PRIVATE_KEY": base64.b64encode(bytes(key)).decode(),
            "BECKN_UNIQUE_KEY_ID": key_id,
            "BECKN_SUBSCRIBER_ID": subscriber_id,
            "BECKN_REGISTRY_TIMEOUT": "2",
            "DATABASE_URL": None,  # embedded mode: SQLite and the filesystem broker
            "REDIS_URL": None,
        },
        timeout=180,
        quiet=True,
    )
    with one_stack_starting_at_a_time():
        stack.start()
    try:
        yield LiveBpp(
            url=f"{stack.base_url}/beckn",
            public_key=signing.public_key_base64(key),
            subscriber_id=subscriber_id,
            key_id=key_id,
            registry_port=registry_port,
            stack=stack,
        )
    except BaseException:
        stack.mark_failed()
        raise
    finally:
        stack.stop()


def own_registry_args(bpp: LiveBpp, spec: Sequence[str] = ()) -> list[str]:
    return [
        "--bpp-url",
        bpp.url,
        "--own-registry",
        "--registry-port",
        str(bpp.registry_port),
        "--bpp-public-key",
        bpp.public_key,
        *spec,
    ]


def report_text(report: dict[str, Any], bpp: LiveBpp | None = None) -> str:
    text = json.dumps(report, indent=2)
    if bpp is not None:
        text += "\n" + bpp.stack.log_tail(60)
    return text


def test_emilys_story_passes_against_make_run(live_bpp: LiveBpp, spec_args: list[str]) -> None:
    status, report, _ = simulate(*own_registry_args(live_bpp, spec_args), "--rate")

    found = steps(report)
    assert status == 0, report_text(report, live_bpp)
    assert report["ok"] is True
    assert list(found) == [*STORY, "rating"]
    for name in ("search", "select", "init", "confirm", "status"):
        step = found[name]
        assert step["result"] == "pass", report_text(report, live_bpp)
        assert {c["name"]: c["result"] for c in step["checks"]} == {
            "ack": "pass",
            "callback": "pass",
            "signature": "pass",
            "context": "pass",
            "schema": schema_result(spec_args),
            "deg": "pass",
        }
        assert 0 < step["latency_ms"] < 30_000
    assert "sunpower_sf" in found["search"]["detail"]
    assert "sp-resi-001" in found["search"]["detail"]
    assert found["confirm"]["detail"].startswith("order IR-")
    assert "Scheduled" in found["status"]["detail"]
    # Our BPP offers no xinput form yet: reported as skipped, which is not a failure.
    if found["xinput"]["result"] == "skip":
        assert found["xinput"]["detail"] == "skipped: the BPP offers no xinput form"
    else:
        assert found["xinput"]["result"] == "pass", report_text(report)
    # The order was just placed: a BPP refuses its rating until the installation is completed
    # (reported as skipped), but the refusal is still a signed, conforming on_rating.
    rating = found["rating"]
    assert rating["result"] in ("skip", "pass"), report_text(report)
    if rating["result"] == "skip":
        assert rating["detail"].startswith("skipped: rating refused"), rating["detail"]
    assert all(
        c["result"] == (schema_result(spec_args) if c["name"] == "schema" else "pass")
        for c in rating["checks"]
        if c["name"] != "deg"
    )
    assert any("looked up our key" in note for note in report["notes"])


def test_every_attack_is_refused_without_a_callback(live_bpp: LiveBpp) -> None:
    status, report, _ = simulate(*own_registry_args(live_bpp), "--attack", "--attack-window", "2")

    found = steps(report)
    assert status == 0, report_text(report, live_bpp)
    assert list(found) == ATTACKS
    assert all(step["result"] == "pass" for step in found.values()), report_text(report)
    for name in ("unsigned", "tampered"):
        assert check(found[name], "nack")["detail"].startswith("HTTP 401 NACK 30000")
    assert check(found["stale"], "nack")["detail"].startswith("HTTP 400 NACK 30000")
    assert "stale" in check(found["stale"], "nack")["detail"]
    assert "bap_uri" in check(found["foreign_bap_uri"], "nack")["detail"]
    assert check(found["replay"], "replay")["detail"] == "the replay: HTTP 200 ACK"
    assert check(found["replay"], "no_callback")["result"] == "pass"


def test_a_registry_of_the_users_own_is_used_to_verify_callbacks(
    live_bpp: LiveBpp, spec_args: list[str]
) -> None:
    """--registry-url: the BAP's key registered there by the user, the BPP's looked up there."""
    identity = BapIdentity()
    callback_port = free_port()
    callback_url = f"http://127.0.0.1:{callback_port}/simulator"
    with Registry(live_bpp.registry_port) as registry:
        quiet_disconnects(registry)
        registry.entries.append(identity.registry_entry(callback_url))
        bpp_entry = BapIdentity(subscriber_id=live_bpp.subscriber_id).registry_entry(
            live_bpp.url, type="BPP"
        )
        bpp_entry.update(key_id=live_bpp.key_id, signing_public_key=live_bpp.public_key)
        registry.entries.append(bpp_entry)

        status, report, _ = simulate(
            "--bpp-url",
            live_bpp.url,
            "--registry-url",
            registry.url,
            "--bap-id",
            identity.subscriber_id,
            "--bap-key-id",
            identity.unique_key_id,
            "--bap-private-key",
            signing.private_key_base64(identity.key),
            "--callback-port",
            str(callback_port),
            "--callback-url",
            callback_url,
            *spec_args,
        )

    assert status == 0, report_text(report, live_bpp)
    assert report["bap_uri"] == callback_url
    signature = check(steps(report)["search"], "signature")
    assert signature == {
        "name": "signature",
        "result": "pass",
        "detail": f"{live_bpp.subscriber_id}|{live_bpp.key_id} verified",
    }
    looked_up = [q for q in registry.lookups if q.get("subscriber_id") == live_bpp.subscriber_id]
    assert looked_up == [{"subscriber_id": live_bpp.subscriber_id, "key_id": live_bpp.key_id}]


# -- fake BPPs: the guide's own answers, a forged signature, silence ----------------------------


def seed(name: str) -> dict[str, Any]:
    return json.loads((DATA / f"seed_{name}.json").read_text())


FORM_TOKEN = seed("on_init")["message"]["order"]["items"][0]["xinput"]["form"]["auth"]["value"]
FORM_HTML = """<!doctype html><html><body>
<form action="/forms/sp-resi-001/submit" method="post" enctype="multipart/form-data">
  <input type="hidden" name="nonce" value="{nonce}">
  <label>Name <input type="text" name="customer_name"></label>
  <label>Email <input type="email" name="email"></label>
  <select name="property_type"><option value="Residential">Residential</option></select>
  <input type="checkbox" name="terms_accepted" value="yes">
  <label>ID proof <input type="file" name="id_proof" accept="application/pdf"></label>
  <label>Ownership <input type="file" name="ownership_certificate" accept=".pdf"></label>
  <label>Bill <input type="file" name="electricity_bill"></label>
  <label>Net metering <input type="file" name="net_metering_form"></label>
  <label>Wiring <input type="file" name="wiring_diagram" accept="image/png"></label>
</form></body></html>"""


@dataclass
class FakeBpp:
    """A BPP that ACKs everything and answers with the guide's own example callbacks.

    mode "guide": every answer signed, with an xinput form in on_init (and cancellation terms,
    which the guide's example leaves out); "forged": callbacks signed with another key;
    "silent": no callback ever. It has no trust layer: it answers every request, signed or
    not, and each copy of a repeated one.
    """

    mode: str
    bap_public_key: str
    key: SigningKey = field(default_factory=SigningKey.generate)
    submissions: list[dict[str, Any]] = field(default_factory=list)
    confirmed_with: list[Any] = field(default_factory=list)
    nonce: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                if self.headers.get("Authorization") != f"Bearer {FORM_TOKEN}":
                    return self.answer(401, b"{}", "application/json")
                return self.answer(200, FORM_HTML.format(nonce=owner.nonce).encode(), "text/html")

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/forms/"):
                    status, answer = owner.form_submitted(body, dict(self.headers.items()))
                else:
                    status, answer = owner.request(self.path, body)
                self.answer(status, json.dumps(answer).encode(), "application/json")

            def answer(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.public_key = signing.public_key_base64(self.key)

    @property
    def url(self) -> str:
        return self.base + "/beckn"

    def request(self, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
        action = path.rstrip("/").rsplit("/", 1)[-1]
        payload = json.loads(body)
        if action == "confirm":
            items = payload["message"]["order"]["items"]
            self.confirmed_with.append(items[0].get("xinput"))
        if self.mode != "silent" and action in ("search", "select", "init", "confirm", "status"):
            threading.Thread(target=self.call_back, args=(action, payload), daemon=True).start()
        return 200, {"message": {"ack": {"status": "ACK"}}}

    def call_back(self, action: str, request: dict[str, Any]) -> None:
        answer = seed(f"on_{action}")
        answer["context"].update(
            {
                key: request["context"][key]
                for key in ("transaction_id", "message_id", "bap_id", "bap_uri")
            },
            bpp_id="fake-bpp.test",
            bpp_uri=self.url,
            timestamp=datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        )
        if action == "init":
            order = answer["message"]["order"]
            order["items"][0]["xinput"]["form"]["url"] = f"{self.base}/forms/sp-resi-001"
            order["cancellation_terms"] = [
                {
                    "fulfillment_state": {"descriptor": {"code": "Scheduled"}},
                    "cancellation_fee": {"percentage": "0"},
                }
            ]
        body = encode(answer)
        key = SigningKey.generate() if self.mode == "forged" else self.key
        header = signing.sign(body, subscriber_id="fake-bpp.test", unique_key_id="k1", key=key)
        with contextlib.suppress(requests.RequestException):
            requests.post(
                f"{request['context']['bap_uri']}/on_{action}",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": header},
                timeout=5,
            )

    def form_submitted(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        try:
            header = signing.parse_header(headers.get("Authorization", ""))
            signing.verify(header, body, self.bap_public_key)
        except signing.SignatureError as exc:
            return 401, {"status": False, "errors": [{"code": "30000", "message": str(exc)}]}
        message = email.message_from_bytes(
            f"Content-Type: {headers['Content-Type']}\r\n\r\n".encode() + body,
            policy=email.policy.HTTP,
        )
        parts = {
            part.get_param("name", header="content-disposition"): part
            for part in message.iter_parts()
        }
        self.submissions.append(
            {
                name: (
                    (part.get_content_type(), part.get_content()[:8])
                    if part.get_filename()
                    else part.get_content()
                )
                for name, part in parts.items()
            }
        )
        return 200, {"status": True, "submission_id": str(uuid.uuid4())}

    def __enter__(self) -> FakeBpp:
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def fake_args(
    fake: FakeBpp, identity: BapIdentity, *extra: str, spec: Sequence[str] = ()
) -> list[str]:
    return [
        "--bpp-url",
        fake.url,
        "--own-registry",
        "--bpp-public-key",
        fake.public_key,
        "--bap-id",
        identity.subscriber_id,
        "--bap-key-id",
        identity.unique_key_id,
        "--bap-private-key",
        signing.private_key_base64(identity.key),
        *spec,
        *extra,
    ]


def test_the_guides_own_answers_pass_and_the_documents_are_uploaded(spec_args: list[str]) -> None:
    identity = BapIdentity()
    with FakeBpp("guide", bap_public_key=identity.public_key) as fake:
        status, report, _ = simulate(*fake_args(fake, identity, "--strict", spec=spec_args))

    found = steps(report)
    assert status == 0, report_text(report)
    assert [step["result"] for step in report["steps"]] == ["pass"] * len(STORY)
    xinput = found["xinput"]
    assert check(xinput, "form")["detail"].endswith("10 field(s), 5 file input(s)")
    assert xinput["detail"].endswith("5 document(s) uploaded")
    [submitted] = fake.submissions
    assert submitted["nonce"] == fake.nonce
    assert submitted["customer_name"] == "Emily Tran"
    assert submitted["terms_accepted"] == "yes"
    assert submitted["property_type"] == "Residential"
    assert submitted["id_proof"] == ("application/pdf", b"%PDF-1.4")
    assert submitted["wiring_diagram"] == ("image/png", b"\x89PNG\r\n\x1a\n")
    submission_id = xinput["detail"].split()[1].rstrip(",")
    assert fake.confirmed_with == [{"form": {"submission_id": submission_id}}]
    schema_note = "" if spec_args else "; schema skipped"
    assert found["confirm"]["detail"] == "order sunpower-install-order-001" + schema_note
    assert found["status"]["detail"] == (
        "order sunpower-install-order-001 is Technician-dispatched" + schema_note
    )


def test_a_forged_callback_signature_is_caught() -> None:
    identity = BapIdentity()
    with FakeBpp("forged", bap_public_key=identity.public_key) as fake:
        status, report, _ = simulate(*fake_args(fake, identity, "--timeout", "5"))

    search = steps(report)["search"]
    assert status == 1
    assert report["ok"] is False
    assert search["result"] == "fail"
    assert search["detail"] == (
        "signature: The signature does not match the body. "
        "(keyId fake-bpp.test|k1, key from the given --bpp-public-key)"
    )
    assert check(search, "callback")["result"] == "pass"
    assert check(search, "context")["result"] == "pass"
    assert all(step["result"] == "fail" for step in report["steps"] if step["step"] != "xinput")


def test_a_bpp_that_never_calls_back_is_caught() -> None:
    identity = BapIdentity()
    with FakeBpp("silent", bap_public_key=identity.public_key) as fake:
        status, report, _ = simulate(*fake_args(fake, identity, "--timeout", "1.5"))

    found = steps(report)
    assert status == 1
    assert found["search"]["result"] == "fail"
    assert check(found["search"], "ack")["result"] == "pass"
    assert found["search"]["detail"] == (
        "callback: no on_search within 1.5 s (--timeout; the ttl is PT10M)"
    )
    assert found["select"] == found["select"] | {
        "result": "skip",
        "detail": "not run: search found no item to select",
    }


def test_a_bpp_without_a_trust_layer_fails_every_attack() -> None:
    identity = BapIdentity()
    with FakeBpp("guide", bap_public_key=identity.public_key) as fake:
        status, report, _ = simulate(
            *fake_args(fake, identity, "--attack", "--attack-window", "1", "--timeout", "5")
        )

    found = steps(report)
    assert status == 1
    assert [step["result"] for step in report["steps"]] == ["fail"] * len(ATTACKS)
    for name in ("unsigned", "tampered"):
        assert found[name]["detail"] == "nack: expected HTTP 401 NACK, got HTTP 200 ACK"
        assert check(found[name], "no_callback")["detail"].startswith("a callback arrived")
    assert found["stale"]["detail"] == "nack: expected HTTP 400 or 401 NACK, got HTTP 200 ACK"
    foreign = check(found["foreign_bap_uri"], "no_callback")["detail"]
    assert foreign == "1 callback(s) went to the foreign bap_uri /bap/on_search"
    assert found["replay"]["detail"].startswith(
        "no_callback: a second callback arrived: /bap/on_search message_id"
    )


def test_the_simulator_needs_neither_django_nor_a_database() -> None:
    code = (
        "import sys, beckn.simulator.cli, beckn.simulator.story;"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')]"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, check=True)  # noqa: S603


def test_usage_errors_exit_with_status_2() -> None:
    process = subprocess.run(
        [sys.executable, "-m", "beckn.simulator", "--bpp-url", "http://127.0.0.1:9/beckn"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert process.returncode == 2
    assert "--own-registry" in process.stderr


def test_the_generated_documents_are_valid() -> None:
    from beckn.simulator.xinput import parse_form, tiny_pdf

    pdf = tiny_pdf("ID proof")
    assert pdf.startswith(b"%PDF-1.4\n") and pdf.rstrip().endswith(b"%%EOF")
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split()[0])
    assert pdf[startxref:].startswith(b"xref\n0 6\n")
    for number, line in enumerate(pdf[startxref:].splitlines()[3:8], start=1):
        assert pdf[int(line[:10]) :].startswith(b"%d 0 obj" % number)
    form = parse_form(FORM_HTML.format(nonce="n"))
    assert form is not None
    assert (form.method, form.action) == ("post", "/forms/sp-resi-001/submit")
    assert [f.name for f in form.file_inputs] == [
        "id_proof",
        "ownership_certificate",
        "electricity_bill",
        "net_metering_form",
        "wiring_diagram",
    ]
