"""POST /beckn/<action>: check, authenticate, log, ACK or NACK at once; the worker answers later.

A plain Django view: it reads the raw body itself (the signature covers those exact bytes) and
validates with the DRF serializers of beckn/inbound/serializers.py; DRF's request and response
machinery would only add work to the hot path. An ACKed request is kept by
beckn/inbound/services.py (log + outbox row); the delivery engine answers it.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from beckn.inbound import layer2, services
from beckn.inbound.auth import AuthenticationFailed, Caller, authenticate, url_within
from beckn.inbound.guards import BodyRefused, body_read, client_ip, json_parse, rate_take
from beckn.inbound.serializers import (
    MESSAGE_SERIALIZERS,
    ContextSerializer,
    checked_json,
    first_error,
)
from beckn.inbound.services import Rejection
from beckn.mapping.values import parse_duration, parse_timestamp
from config.observability import hooks

logger = logging.getLogger(__name__)

ACK = {"message": {"ack": {"status": "ACK"}}}
ACK_BODY = json.dumps(ACK).encode()


def nack(rejection: Rejection) -> JsonResponse:
    error = {"code": rejection.code, "message": rejection.message}
    if rejection.path:
        error["paths"] = rejection.path
    response = JsonResponse(
        {"message": {"ack": {"status": "NACK"}}, "error": error}, status=rejection.http_status
    )
    if rejection.retry_after:
        response["Retry-After"] = str(rejection.retry_after)
    if rejection.http_status == 401:
        header = "Proxy-Authenticate" if rejection.gateway else "WWW-Authenticate"
        response[header] = (
            f'Signature realm="{settings.BECKN_SUBSCRIBER_ID}",headers="(created) (expires) digest"'
        )
    return response


class Rejected(Exception):
    def __init__(self, rejection: Rejection, signer: str = "") -> None:
        super().__init__(rejection.message)
        self.rejection = rejection
        self.signer = signer


def invalid(message: str, path: str = "", status: int = 400) -> Rejected:
    return Rejected(Rejection(status, "30000", message, path))


@method_decorator(csrf_exempt, name="dispatch")
class BecknActionView(View):
    """Every Beckn action the BPP serves, at /beckn/<action>."""

    http_method_names = ["post"]

    def http_method_not_allowed(
        self, request: HttpRequest, *args: object, **kwargs: object
    ) -> JsonResponse:
        response = nack(Rejection(405, "30000", "Beckn actions are POSTed."))
        response["Allow"] = "POST"
        return response

    def post(self, request: HttpRequest, action: str) -> HttpResponse:
        ip = client_ip(request)
        retry_after = rate_take(scope="ip", who=ip, limit=settings.BECKN_RATE_LIMIT_PER_IP)
        if retry_after:
            return nack(too_many(f"this address ({ip})", retry_after))
        raw = b""
        body: object = None
        try:
            try:
                raw = body_read(request)
                body = json_parse(raw)
            except BodyRefused as exc:
                raise Rejected(Rejection(exc.status, "30000", str(exc), exc.path)) from None
            return self._accept(action, raw, body, request)
        except Rejected as rejected:
            if _worth_logging(rejected, ip):
                self._log_rejection(action, body, raw, rejected)
            return nack(rejected.rejection)
        except DatabaseError as exc:
            logger.error("Database unavailable while accepting %s: %s", action, exc)
            return nack(Rejection(503, "40000", "The BPP is temporarily unavailable; retry later."))

    @staticmethod
    def _log_rejection(action: str, body: object, raw: bytes, rejected: Rejected) -> None:
        try:
            services.request_reject(
                action=action,
                body=body,
                raw=raw,
                rejection=rejected.rejection,
                signer=rejected.signer,
            )
        except DatabaseError:
            logger.exception("Could not log a rejected %s request", action)

    def _accept(self, action: str, raw: bytes, body: dict, request: HttpRequest) -> HttpResponse:
        hooks.inbound_request(action=action, body=body)
        caller = self._authenticate(action, raw, body, request)
        retry_after = rate_take(
            scope="caller", who=caller.subscriber_id, limit=settings.BECKN_RATE_LIMIT_PER_CALLER
        )
        if retry_after:
            raise Rejected(too_many(caller.subscriber_id, retry_after))
        try:
            checked = self._validate(action, body, caller)
        except Rejected as rejected:
            raise Rejected(rejected.rejection, caller.key_id) from None
        services.request_accept(action=action, body=checked, signer=caller.key_id)
        return HttpResponse(ACK_BODY, content_type="application/json")

    @staticmethod
    def _authenticate(action: str, raw: bytes, body: dict, request: HttpRequest) -> Caller:
        if action not in MESSAGE_SERIALIZERS:
            raise Rejected(
                Rejection(404, "40001", f"This BPP does not serve /beckn/{action[:64]}.")
            )
        context = body.get("context")
        bap_id = context.get("bap_id") if isinstance(context, dict) else None
        try:
            return authenticate(headers=request.headers, body=raw, bap_id=bap_id)
        except AuthenticationFailed as exc:
            raise Rejected(Rejection(401, "30000", str(exc), gateway=exc.gateway)) from None

    @staticmethod
    def _validate(action: str, body: dict, caller: Caller) -> dict:
        """The request as checked: every value the serializers declare in its checked form (a
        number sent for a text is that text...), what they do not declare as sent. The answers
        read this, not the body as it came."""
        context = body.get("context")
        context_serializer = ContextSerializer(data=context, context={"action": action})
        if not isinstance(context, dict) or not context_serializer.is_valid():
            errors = context_serializer.errors if isinstance(context, dict) else "Required."
            path, message = first_error(errors, "context")
            raise invalid(
                f"{path}: {message}",
                path,
            ) from None
        message_serializer = MESSAGE_SERIALIZERS[action](data=body.get("message"))
        if not message_serializer.is_valid():
            path, message = first_error(message_serializer.errors, "message")
            raise invalid(f"{path}: {message}", path)
        violation = layer2.validate_request(action, body)
        if violation:
            path, message = violation
            raise invalid(f"{path}: {message}", path)

        checked = context_serializer.validated_data
        if not url_within(caller.url, checked["bap_uri"]):
            raise Rejected(
                Rejection(
                    401,
                    "30000",
                    f"context.bap_uri is not under {caller.url}, the url registered for "
                    f"{caller.subscriber_id}.",
                    "context.bap_uri",
                ),
                caller.key_id,
            )
        _check_freshness(checked)
        return {
            **body,
            "context": checked_json(context, context_serializer.data),
            "message": checked_json(body["message"], message_serializer.data),
        }


def _worth_logging(rejected: Rejected, ip: str) -> bool:
    """A verified sender's refused request is logged; an unverified one's as a short summary,
    and only so many per address; a throttled one (429) never: a flood costs the log nothing."""
    if rejected.signer:
        return True
    if rejected.rejection.http_status == 429:
        return False
    limit = settings.BECKN_REJECTION_LOG_PER_IP
    return not rate_take(scope="rejection-log", who=ip, limit=limit)


def too_many(who: str, retry_after: int) -> Rejection:
    return Rejection(
        429,
        "50000",
        f"Too many requests from {who}; retry after {retry_after} seconds.",
        retry_after=retry_after,
    )


def _check_freshness(context: dict) -> None:
    """context.timestamp is now, give or take the clock skew, or within context.ttl before."""
    skew = timedelta(seconds=settings.BECKN_CLOCK_SKEW_SECONDS)
    age = timezone.now() - parse_timestamp(context["timestamp"])
    if age < -skew:
        raise invalid("context.timestamp is in the future.", "context.timestamp")
    ttl = parse_duration(context["ttl"]) if "ttl" in context else timedelta(0)
    if age > skew + ttl:
        raise invalid(
            "context.timestamp: the request is stale (older than context.ttl and the "
            f"{settings.BECKN_CLOCK_SKEW_SECONDS} s clock skew).",
            "context.timestamp",
        )
