"""The envelope of our answers: their context, where they go, and who a buyer app is to us."""

from datetime import UTC, datetime
from typing import Any

from beckn.keys import Identity

JSON = dict[str, Any]


def timestamp_now() -> str:
    """The current time as RFC 3339 in UTC with milliseconds."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def callback_url(bap_uri: str, action: str) -> str:
    """Where the answer to `action` goes: the caller's bap_uri with /on_<action> appended."""
    return f"{bap_uri.rstrip('/')}/on_{action}"


def callback_context(request_context: JSON, *, identity: Identity, message_id: str) -> JSON:
    """The context of our answer to a request: its ids echoed, our identity, a fresh timestamp."""
    context = {
        "domain": request_context["domain"],
        "action": f"on_{request_context['action']}",
        "version": request_context["version"],
        "bap_id": request_context["bap_id"],
        "bap_uri": request_context["bap_uri"],
        "bpp_id": identity.subscriber_id,
        "bpp_uri": identity.subscriber_url,
        "transaction_id": request_context["transaction_id"],
        "message_id": message_id,
        "timestamp": timestamp_now(),
        "ttl": request_context.get("ttl", "PT30S"),
    }
    if "location" in request_context:
        context["location"] = request_context["location"]
    return context
