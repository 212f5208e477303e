"""POST /beckn/on_subscribe: the registry's challenge, answered with its plain text."""

import logging

from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.views import APIView

from beckn.inbound.guards import BodyRefused, body_read, json_parse
from beckn.inbound.serializers import first_error
from beckn.models import NetworkSubscription
from beckn.subscription import ChallengeRefused, challenge_answer

logger = logging.getLogger(__name__)


class OnSubscribeSerializer(serializers.Serializer):
    """registry.yaml's on_subscribe body; ONDC's registry also names the subscriber."""

    challenge = serializers.CharField(max_length=4096, trim_whitespace=False)
    subscriber_id = serializers.CharField(required=False, max_length=255)
    status = serializers.ChoiceField(required=False, choices=NetworkSubscription.Status.values)


def refusal(message: str, status: int) -> JsonResponse:
    body = {"message": {"ack": {"status": "NACK"}}, "error": {"code": "30000", "message": message}}
    return JsonResponse(body, status=status)


class OnSubscribeView(APIView):
    def post(self, request: Request) -> JsonResponse:
        try:
            raw = body_read(request._request)
            body = json_parse(raw)
        except BodyRefused as exc:
            return refusal(str(exc), exc.status)
        serializer = OnSubscribeSerializer(data=body)
        if not isinstance(body, dict) or not serializer.is_valid():
            errors = serializer.errors if isinstance(body, dict) else "Must be a JSON object."
            path, message = first_error(errors)
            return refusal(f"{path}: {message}" if path else message, 400)
        checked = serializer.validated_data
        try:
            answer = challenge_answer(
                challenge=checked["challenge"],
                raw=raw,
                authorization=request.headers.get("Authorization", ""),
                subscriber_id=checked.get("subscriber_id", ""),
                status=checked.get("status", ""),
            )
        except ChallengeRefused as exc:
            logger.warning("Refused an on_subscribe: %s", exc)
            return refusal(str(exc), exc.http_status)
        except ImproperlyConfigured as exc:
            logger.error("Cannot answer the registry's challenge: %s", exc)
            return refusal("This BPP is not configured to answer registry challenges.", 503)
        return JsonResponse({"answer": answer})
