"""Emily's story against a BPP, step by step, and the trust-layer attacks (`--attack`).

The story: search (the guide's message) -> select -> init -> xinput form + document upload ->
confirm -> status (-> rating with `--rate`). Each request is the guide's example message with
fresh ids and timestamp, this BAP's id and callback url, and the provider, item and fulfillment
the BPP offered in on_search (the first item of the first provider). Each answer is checked:
the synchronous ACK, the callback within the ttl, its signature, its context, its schema, and
the DEG installation specifics.
"""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import ThreadingHTTPServer
from importlib import resources
from typing import Any

import requests

from beckn.openapi import SpecSchemas
from beckn.peers import BapIdentity, CallbackServer, ReceivedCallback, Registry, encode

from . import checks
from . import xinput as xinput_forms
from .checks import Check, Choice, KeyResolver, failed, passed, skipped
from .report import Progress, Report, StepResult

JSON = dict[str, Any]
SEED_PROVIDER_NAME = "SunPower Installers"
FALLBACK_GRACE_SECONDS = 2.0


def seed_messages() -> dict[str, JSON]:
    """The guide's example requests (beckn/simulator/messages.json)."""
    text = resources.files(__package__).joinpath("messages.json").read_text(encoding="utf-8")
    return {k: v for k, v in json.loads(text).items() if not k.startswith("_")}


def now_rfc3339(delta: timedelta = timedelta()) -> str:
    return (datetime.now(UTC) + delta).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def ttl_seconds(ttl: str) -> float:
    """Seconds of an ISO 8601 duration such as PT10M, PT30S or P1D."""
    match = re.fullmatch(
        r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?", ttl
    )
    if not match or ttl in ("P", "PT"):
        raise ValueError(f"{ttl!r} is not an ISO 8601 duration such as PT10M")
    parts = {k: float(v) for k, v in match.groupdict().items() if v}
    return (
        parts.get("d", 0) * 86400 + parts.get("h", 0) * 3600 + parts.get("m", 0) * 60
    ) + parts.get("s", 0)


def _context_of(callback: ReceivedCallback) -> JSON:
    try:
        payload = json.loads(callback.body)
    except ValueError:
        return {}
    context = payload.get("context") if isinstance(payload, dict) else None
    return context if isinstance(context, dict) else {}


class Inbox(CallbackServer):
    """The simulator's callback endpoint: every callback kept, each claimed by one step."""

    def __init__(self, port: int = 0, *, path: str = "/bap", host: str = "127.0.0.1") -> None:
        super().__init__(port, path=path)
        if host != "127.0.0.1":  # listen elsewhere (e.g. 0.0.0.0 behind a tunnel)
            handler = self.httpd.RequestHandlerClass
            self.httpd.server_close()
            self.httpd = ThreadingHTTPServer((host, port), handler)
            self.httpd.daemon_threads = True
            self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._changed = threading.Condition()
        self._claimed: set[int] = set()

    def handle(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, JSON]:
        answer = super().handle(path, body, headers)
        with self._changed:
            self._changed.notify_all()
        return answer

    def snapshot(self) -> list[ReceivedCallback]:
        with self._lock:
            return list(self.all)

    def take(
        self, *, message_id: str, action: str, deadline: float
    ) -> tuple[ReceivedCallback | None, bool]:
        """The callback answering `message_id` (exact: True), or, failing that, one that came
        to `/on_<action>` unclaimed (exact: False; its context is then wrong); None at the
        deadline."""
        fallback: ReceivedCallback | None = None
        with self._changed:
            while True:
                for callback in self.snapshot():
                    if id(callback) in self._claimed:
                        continue
                    if _context_of(callback).get("message_id") == message_id:
                        self._claimed.add(id(callback))
                        return callback, True
                    if fallback is None and callback.path.rstrip("/").endswith(f"/on_{action}"):
                        fallback = callback
                        deadline = min(deadline, time.monotonic() + FALLBACK_GRACE_SECONDS)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._changed.wait(remaining)
        if fallback is not None:
            self._claimed.add(id(fallback))
        return fallback, False

    def unclaimed(self) -> list[ReceivedCallback]:
        with self._changed:
            return [c for c in self.snapshot() if id(c) not in self._claimed]

    def about(self, *, message_id: str, transaction_id: str) -> list[ReceivedCallback]:
        found = []
        for callback in self.snapshot():
            context = _context_of(callback)
            if context.get("message_id") == message_id or (
                transaction_id and context.get("transaction_id") == transaction_id
            ):
                found.append(callback)
        return found


@dataclass
class Settings:
    bpp_url: str
    ttl: str = "PT10M"
    timeout: float = 30.0
    rate: bool = False
    strict: bool = False
    clock_skew: int = 60
    attack_window: float = 3.0
    search_provider: str = SEED_PROVIDER_NAME
    search_text: str | None = None
    http_timeout: float = 15.0


@dataclass
class Exchange:
    request: JSON
    response: requests.Response | None
    callback: ReceivedCallback | None
    payload: JSON | None


class Simulator:
    def __init__(
        self,
        settings: Settings,
        *,
        identity: BapIdentity,
        inbox: Inbox,
        bap_uri: str,
        resolver: KeyResolver,
        schemas: SpecSchemas | None,
        progress: Progress,
        own_registry: Registry | None = None,
        trap: Inbox | None = None,
    ) -> None:
        self.settings = settings
        self.identity = identity
        self.inbox = inbox
        self.bap_uri = bap_uri
        self.resolver = resolver
        self.schemas = schemas
        self.progress = progress
        self.own_registry = own_registry
        self.trap = trap
        self.messages = seed_messages()
        self.transaction_id = str(uuid.uuid4())
        self.choice: Choice | None = None
        self.on_select: JSON | None = None
        self.on_init: JSON | None = None
        self.submission_id: str | None = None
        self.order_id: str | None = None
        self.wait_seconds = min(ttl_seconds(settings.ttl), settings.timeout)

    # -- requests -----------------------------------------------------------------------------

    def request(
        self,
        action: str,
        message: JSON,
        *,
        transaction_id: str | None = None,
        **context: Any,
    ) -> JSON:
        seed = self.messages.get(action) or self.messages["status"]
        ctx = copy.deepcopy(seed["context"])
        ctx.update(
            action=action,
            bap_id=self.identity.subscriber_id,
            bap_uri=self.bap_uri,
            transaction_id=transaction_id or self.transaction_id,
            message_id=str(uuid.uuid4()),
            timestamp=now_rfc3339(),
            ttl=self.settings.ttl,
        )
        ctx.pop("bpp_id", None)
        ctx.pop("bpp_uri", None)
        if self.choice is not None and action != "search":
            if self.choice.bpp_id:
                ctx["bpp_id"] = self.choice.bpp_id
            if self.choice.bpp_uri:
                ctx["bpp_uri"] = self.choice.bpp_uri
        ctx.update(context)
        return {"context": ctx, "message": message}

    def search_message(self) -> JSON:
        message = copy.deepcopy(self.messages["search"]["message"])
        intent = message["intent"]
        if self.settings.search_provider:
            intent["provider"] = {"descriptor": {"name": self.settings.search_provider}}
        else:
            intent.pop("provider", None)
        if self.settings.search_text is not None:
            if self.settings.search_text:
                intent["descriptor"] = {"name": self.settings.search_text}
            else:
                intent.pop("descriptor", None)
        return message

    def _order_message(self, action: str) -> JSON:
        assert self.choice is not None
        message = copy.deepcopy(self.messages[action]["message"])
        order = message["order"]
        order["provider"] = {"id": self.choice.provider_id}
        order["items"] = [{"id": self.choice.item_id}]
        fulfillments = order.get("fulfillments") or [{}]
        fulfillments[0]["id"] = self.choice.fulfillment_id
        order["fulfillments"] = fulfillments
        return message

    def post(self, action: str, payload: JSON) -> tuple[requests.Response | None, float, str]:
        """POST `payload`, signed, to `<bpp-url>/<action>`: (response or None, ms, error)."""
        body = encode(payload)
        headers = {"Content-Type": "application/json", "Authorization": self.identity.sign(body)}
        return self.post_raw(action, body, headers)

    def post_raw(
        self, action: str, body: bytes, headers: dict[str, str]
    ) -> tuple[requests.Response | None, float, str]:
        url = f"{self.settings.bpp_url.rstrip('/')}/{action}"
        started = time.monotonic()
        try:
            response = requests.post(
                url, data=body, headers=headers, timeout=self.settings.http_timeout
            )
        except requests.RequestException as exc:
            return None, (time.monotonic() - started) * 1000, f"POST {url} failed: {exc}"
        return response, (time.monotonic() - started) * 1000, ""

    # -- one exchange, checked ----------------------------------------------------------------

    def exchange(self, result: StepResult, action: str, payload: JSON) -> Exchange:
        context = payload["context"]
        result.action = action
        result.message_id = context["message_id"]
        result.transaction_id = context["transaction_id"]
        started = time.monotonic()
        response, ack_ms, error = self.post(action, payload)
        result.ack_ms = ack_ms
        if response is None:
            result.add(failed("ack", error))
            return Exchange(payload, None, None, None)
        ack = result.add(checks.check_ack(response, action, self.schemas))
        if ack.result == checks.FAIL:
            ack.detail += self._registry_hint(response)
            return Exchange(payload, response, None, None)
        callback, exact = self.inbox.take(
            message_id=context["message_id"],
            action=action,
            deadline=started + self.wait_seconds,
        )
        if callback is None:
            result.add(failed("callback", self._no_callback(action, context)))
            return Exchange(payload, response, None, None)
        result.latency_ms = (callback.received_at - started) * 1000
        problem = checks.callback_path_check(callback, self.bap_uri, action)
        if problem:
            result.add(failed("callback", problem))
        else:
            result.add(
                passed(
                    "callback",
                    f"on_{action} in {result.latency_ms:.0f} ms (ttl {self.settings.ttl})"
                    + ("" if exact else ", but not for this message_id"),
                )
            )
        result.add(checks.check_signature(callback, self.resolver, skew=self.settings.clock_skew))
        try:
            callback_payload = json.loads(callback.body)
        except ValueError:
            result.add(failed("context", "the callback body is not JSON"))
            return Exchange(payload, response, callback, None)
        result.add(checks.check_context(callback_payload, context, action))
        result.add(checks.check_schema(self.schemas, action, callback_payload))
        if not isinstance(callback_payload, dict):
            return Exchange(payload, response, callback, None)
        return Exchange(payload, response, callback, callback_payload)

    def _no_callback(self, action: str, context: JSON) -> str:
        text = f"no on_{action} within {self.wait_seconds:g} s"
        if self.settings.timeout < ttl_seconds(self.settings.ttl):
            text += f" (--timeout; the ttl is {self.settings.ttl})"
        else:
            text += f" (the request's ttl {self.settings.ttl})"
        unclaimed = self.inbox.unclaimed()
        if unclaimed:
            seen = ", ".join(
                f"{c.path} message_id {_context_of(c).get('message_id')!r}" for c in unclaimed[:3]
            )
            text += f"; other callbacks received: {seen}"
        return text

    def _registry_hint(self, response: requests.Response) -> str:
        if response.status_code != 401 or self.own_registry is None:
            return ""
        if not self.own_registry.lookups:
            return (
                f"; the BPP never asked the simulator's registry for our key: was it started "
                f"with BECKN_REGISTRY_URL={self.own_registry.url}?"
            )
        return ""

    # -- the story ----------------------------------------------------------------------------

    def story_steps(self) -> list[tuple[str, Callable[[StepResult], None]]]:
        steps = [
            ("search", self.step_search),
            ("select", self.step_select),
            ("init", self.step_init),
            ("xinput", self.step_xinput),
            ("confirm", self.step_confirm),
            ("status", self.step_status),
        ]
        if self.settings.rate:
            steps.append(("rating", self.step_rating))
        return steps

    def run_story(self, report: Report) -> Report:
        steps = self.story_steps()
        for index, (name, run) in enumerate(steps, start=1):
            result = StepResult(name)
            self.progress.step(index, len(steps), name, self._announce(name))
            try:
                run(result)
            except Exception as exc:  # a bug or an unexpected answer must not hide the report
                result.add(failed("error", f"{type(exc).__name__}: {exc}"))
            report.steps.append(result)
            self.progress.done(index, len(steps), result)
        return report

    def _announce(self, name: str) -> str:
        if name == "xinput":
            return "looking for the BPP's xinput form"
        return f"POST {self.settings.bpp_url.rstrip('/')}/{name}"

    def _need(self, result: StepResult, what: Any, reason: str) -> bool:
        if what is None:
            result.skip_reason = f"not run: {reason}"
            return False
        return True

    def step_search(self, result: StepResult) -> None:
        exchange = self.exchange(result, "search", self.request("search", self.search_message()))
        if exchange.payload is None:
            return
        check, self.choice = checks.deg_on_search(exchange.payload)
        result.add(check)
        result.note = check.detail

    def step_select(self, result: StepResult) -> None:
        if not self._need(result, self.choice, "search found no item to select"):
            return
        assert self.choice is not None
        exchange = self.exchange(
            result, "select", self.request("select", self._order_message("select"))
        )
        if exchange.payload is None:
            return
        self.on_select = exchange.payload
        check = result.add(checks.deg_on_select(exchange.payload, self.choice))
        result.note = check.detail

    def step_init(self, result: StepResult) -> None:
        if not self._need(result, self.choice, "search found no item"):
            return
        assert self.choice is not None
        exchange = self.exchange(result, "init", self.request("init", self._order_message("init")))
        if exchange.payload is None:
            return
        self.on_init = exchange.payload
        check = result.add(checks.deg_on_init(exchange.payload, self.choice))
        result.note = check.detail

    def step_xinput(self, result: StepResult) -> None:
        if not self._need(result, self.choice, "search found no item"):
            return
        assert self.choice is not None
        offer = xinput_forms.find_form(
            self.choice.item_id,
            on_init=self.on_init,
            on_select=self.on_select,
            search_item=self.choice.item,
        )
        if offer is None:
            result.skip_reason = "the BPP offers no xinput form"
            return
        if offer.mime_type != "text/html":
            result.skip_reason = (
                f"the form ({offer.where}) is {offer.mime_type}; the simulator fills text/html"
            )
            return
        self.progress.say(f"      form {offer.url} ({offer.where})")
        started = time.monotonic()
        try:
            submission = xinput_forms.submit(
                offer, self.identity, timeout=self.settings.http_timeout
            )
        except requests.RequestException as exc:
            result.add(failed("form", f"{type(exc).__name__}: {exc}"))
            return
        result.latency_ms = (time.monotonic() - started) * 1000
        if submission.problem and not submission.action_url:
            result.add(failed("form", submission.problem))
            return
        result.add(
            passed(
                "form",
                f"GET {offer.url}: HTTP {submission.form_status}, {submission.fields} field(s), "
                f"{submission.documents} file input(s)",
            )
        )
        if submission.problem:
            result.add(failed("submission", submission.problem))
            return
        self.submission_id = submission.submission_id
        documents = (
            f"{submission.documents} document(s) uploaded"
            if submission.documents
            else "no file input in the form: no document uploaded"
        )
        result.add(passed("submission", f"submission_id {self.submission_id}; {documents}"))
        result.note = f"submission_id {self.submission_id}, {documents}"

    def step_confirm(self, result: StepResult) -> None:
        if not self._need(result, self.choice, "search found no item"):
            return
        assert self.choice is not None
        message = self._order_message("confirm")
        if self.submission_id:
            message["order"]["items"][0]["xinput"] = {"form": {"submission_id": self.submission_id}}
        exchange = self.exchange(result, "confirm", self.request("confirm", message))
        if exchange.payload is None:
            return
        check, self.order_id = checks.deg_on_confirm(exchange.payload, self.choice)
        result.add(check)
        result.note = check.detail

    def step_status(self, result: StepResult) -> None:
        if not self._need(result, self.order_id, "confirm gave no order id"):
            return
        assert self.order_id is not None
        message = copy.deepcopy(self.messages["status"]["message"])
        message["order_id"] = self.order_id
        exchange = self.exchange(result, "status", self.request("status", message))
        if exchange.payload is None:
            return
        check = result.add(checks.deg_on_status(exchange.payload, self.order_id))
        result.note = check.detail

    def step_rating(self, result: StepResult) -> None:
        if not self._need(result, self.order_id, "confirm gave no order id"):
            return
        message = {"ratings": [{"id": self.order_id, "rating_category": "Order", "value": "5"}]}
        exchange = self.exchange(result, "rating", self.request("rating", message))
        if exchange.payload is None:
            return
        check = result.add(checks.deg_on_rating(exchange.payload))
        result.note = check.detail

    # -- the attacks --------------------------------------------------------------------------

    def run_attacks(self, report: Report) -> Report:
        """Unsigned, tampered, stale and foreign-bap_uri searches must get a NACK and no
        callback; a replayed search is answered once."""
        attacks: list[tuple[str, Callable[[StepResult], JSON]]] = [
            ("unsigned", self.attack_unsigned),
            ("tampered", self.attack_tampered),
            ("stale", self.attack_stale),
            ("foreign_bap_uri", self.attack_foreign_bap_uri),
            ("replay", self.attack_replay),
        ]
        total = len(attacks)
        sent: list[tuple[StepResult, JSON]] = []
        for index, (name, attack) in enumerate(attacks, start=1):
            result = StepResult(name, action="search")
            self.progress.step(index, total, name, self._attack_text(name))
            try:
                request = attack(result)
            except Exception as exc:
                result.add(failed("error", f"{type(exc).__name__}: {exc}"))
                request = {}
            result.message_id = request.get("context", {}).get("message_id")
            result.transaction_id = request.get("context", {}).get("transaction_id")
            report.steps.append(result)
            sent.append((result, request))
            answer = next((c for c in result.checks if c.name in ("nack", "replay")), None)
            if answer is not None:
                self.progress.say(f"      {answer.result.upper()}: {answer.detail}")
        self.progress.say(
            f"      waiting {self.settings.attack_window:g} s for callbacks that must not come"
        )
        time.sleep(self.settings.attack_window)
        for index, (result, request) in enumerate(sent, start=1):
            if request:
                result.add(self._no_callback_check(result, request))
            result.note = "; ".join(
                c.detail.rstrip(".")
                for c in result.checks
                if c.name in ("nack", "replay", "no_callback")
            )
            self.progress.done(index, total, result)
        return report

    def _attack_text(self, name: str) -> str:
        return {
            "unsigned": "a search with no Authorization header",
            "tampered": "a search whose body changed after it was signed",
            "stale": "a search whose timestamp + ttl has passed",
            "foreign_bap_uri": "a signed search whose bap_uri is outside our registered url",
            "replay": "the same signed search sent twice",
        }[name]

    def _attack_request(self, **context: Any) -> JSON:
        return self.request(
            "search", self.search_message(), transaction_id=str(uuid.uuid4()), **context
        )

    def _nack(
        self,
        result: StepResult,
        action: str,
        body: bytes,
        headers: dict[str, str],
        statuses: tuple[int, ...],
    ) -> None:
        response, ms, error = self.post_raw(action, body, headers)
        result.latency_ms = ms
        if response is None:
            result.add(failed("nack", error))
            return
        result.add(checks.check_nack(response, statuses=statuses))

    def attack_unsigned(self, result: StepResult) -> JSON:
        request = self._attack_request()
        self._nack(result, "search", encode(request), {"Content-Type": "application/json"}, (401,))
        return request

    def attack_tampered(self, result: StepResult) -> JSON:
        request = self._attack_request()
        signature = self.identity.sign(encode(request))
        tampered = copy.deepcopy(request)
        tampered["message"]["intent"]["category"] = {"descriptor": {"code": "meter_installation"}}
        self._nack(
            result,
            "search",
            encode(tampered),
            {"Content-Type": "application/json", "Authorization": signature},
            (401,),
        )
        return request

    def attack_stale(self, result: StepResult) -> JSON:
        age = timedelta(seconds=2 * ttl_seconds(self.settings.ttl) + 300)
        request = self._attack_request(timestamp=now_rfc3339(-age))
        body = encode(request)
        headers = {"Content-Type": "application/json", "Authorization": self.identity.sign(body)}
        self._nack(result, "search", body, headers, (400, 401))
        return request

    def attack_foreign_bap_uri(self, result: StepResult) -> JSON:
        foreign = self.trap.bap_uri if self.trap else "http://127.0.0.1:9/elsewhere"
        request = self._attack_request(bap_uri=foreign)
        body = encode(request)
        headers = {"Content-Type": "application/json", "Authorization": self.identity.sign(body)}
        self._nack(result, "search", body, headers, (400, 401))
        return request

    def attack_replay(self, result: StepResult) -> JSON:
        request = self._attack_request()
        body = encode(request)
        headers = {"Content-Type": "application/json", "Authorization": self.identity.sign(body)}
        started = time.monotonic()
        response, _, error = self.post_raw("search", body, headers)
        if response is None:
            result.add(failed("ack", error))
            return request
        ack = result.add(checks.check_ack(response, "search", self.schemas))
        if ack.result == checks.FAIL:
            ack.detail = f"the original search: {ack.detail}{self._registry_hint(response)}"
            return request
        callback, _ = self.inbox.take(
            message_id=request["context"]["message_id"],
            action="search",
            deadline=started + self.wait_seconds,
        )
        if callback is None:
            result.add(
                failed(
                    "callback", "the original: " + self._no_callback("search", request["context"])
                )
            )
            return request
        result.add(
            passed(
                "callback",
                f"the original answered in {(callback.received_at - started) * 1000:.0f} ms",
            )
        )
        replayed, ms, error = self.post_raw("search", body, headers)
        result.latency_ms = ms
        if replayed is None:
            result.add(failed("replay", error))
        elif replayed.status_code == 200:
            acked = checks.check_ack(replayed, "search", self.schemas)
            result.add(
                Check("replay", acked.result, f"the replay: {checks.describe_answer(replayed)}")
            )
        else:
            nack = checks.check_nack(replayed, statuses=(400, 401, 409))
            result.add(Check("replay", nack.result, f"the replay refused: {nack.detail}"))
        return request

    def _no_callback_check(self, result: StepResult, request: JSON) -> Check:
        context = request["context"]
        found = self.inbox.about(
            message_id=context["message_id"], transaction_id=context["transaction_id"]
        )
        trapped = self.trap.snapshot() if self.trap is not None else []
        expected = 1 if result.step == "replay" else 0
        if result.step == "replay" and not any(
            c.name == "callback" and c.result == "pass" for c in result.checks
        ):
            return skipped("no_callback", "the original search was not answered")
        window = f"within {self.settings.attack_window:g} s"
        if trapped and result.step == "foreign_bap_uri":
            return failed(
                "no_callback",
                f"{len(trapped)} callback(s) went to the foreign bap_uri {trapped[0].path}",
            )
        if len(found) > expected:
            extra = found[expected]
            what = "a second callback" if expected else "a callback"
            return failed(
                "no_callback",
                f"{what} arrived: {extra.path} message_id {_context_of(extra).get('message_id')!r}",
            )
        if expected:
            return passed("no_callback", f"answered once; no second callback {window}")
        return passed("no_callback", f"no callback {window}")
