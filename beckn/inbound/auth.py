"""Who is calling: verify the signature of an inbound request and where its callback may go."""

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from django.conf import settings

from beckn import signing
from beckn.registry import (
    KeyLookupError,
    ParticipantKey,
    participant_key,
    participant_key_refresh,
)


class AuthenticationFailed(Exception):
    """The request cannot be trusted. `gateway` says the gateway's signature was at fault."""

    def __init__(self, message: str, *, gateway: bool = False) -> None:
        super().__init__(message)
        self.gateway = gateway


@dataclass(frozen=True)
class Caller:
    subscriber_id: str
    unique_key_id: str
    url: str
    gateway_id: str = ""

    @property
    def key_id(self) -> str:
        return f"{self.subscriber_id}|{self.unique_key_id}|{signing.ALGORITHM}"


def _verified_key(header_value: str, body: bytes, *, role: str) -> ParticipantKey:
    gateway = role == "BG"
    try:
        header = signing.parse_header(header_value)
        signing.check_times(
            header,
            skew=settings.BECKN_CLOCK_SKEW_SECONDS,
            max_lifetime=settings.BECKN_MAX_SIGNATURE_SECONDS,
        )
        key = participant_key(
            subscriber_id=header.subscriber_id, unique_key_id=header.unique_key_id, role=role
        )
        try:
            signing.verify(header, body, key.signing_public_key)
        except signing.SignatureError:
            # The caller may have rotated its key under the same key id since we cached it:
            # one fresh lookup (at most once a minute per key id) before refusing.
            fresh = participant_key_refresh(
                subscriber_id=header.subscriber_id, unique_key_id=header.unique_key_id, role=role
            )
            if fresh is None or fresh.signing_public_key == key.signing_public_key:
                raise
            signing.verify(header, body, fresh.signing_public_key)
            key = fresh
    except (signing.SignatureError, KeyLookupError) as exc:
        raise AuthenticationFailed(str(exc), gateway=gateway) from None
    return key


def authenticate(*, headers: dict[str, str], body: bytes, bap_id: object) -> Caller:
    """The verified caller of a request whose context names `bap_id`.

    Checks the BAP's `Authorization` signature and, when a gateway forwarded the request, the
    gateway's `X-Gateway-Authorization` too. Raises AuthenticationFailed.
    """
    value = headers.get("Authorization", "")
    if not value:
        raise AuthenticationFailed("The request is not signed: no Authorization header.")
    key = _verified_key(value, body, role="BAP")
    if key.subscriber_id != bap_id:
        raise AuthenticationFailed(
            f"The request is signed by {key.subscriber_id} but context.bap_id is {bap_id!r}."
        )
    gateway_id = ""
    gateway_value = headers.get("X-Gateway-Authorization", "")
    if gateway_value:
        gateway_id = _verified_key(gateway_value, body, role="BG").subscriber_id
    return Caller(
        subscriber_id=key.subscriber_id,
        unique_key_id=key.unique_key_id,
        url=key.url,
        gateway_id=gateway_id,
    )


def url_within(base: str, url: str) -> bool:
    """Whether `url` lies under `base`: same scheme, host and port, no user, query or fragment,
    and a path below base's, however it is spelled (percent-encoded, with dot segments or
    backslashes, as a server may read it)."""
    b, u = urlsplit(base), urlsplit(url)
    try:
        if (b.scheme.lower(), b.hostname, b.port) != (u.scheme.lower(), u.hostname, u.port):
            return False
    except ValueError:  # a port that is not a number or out of range
        return False
    if u.username or u.password or u.query or u.fragment or "?" in url or "#" in url:
        return False
    base_path = _resolved(b.path).rstrip("/")
    for path in {_resolved(u.path), _resolved(unquote(u.path))}:
        if base_path and path != base_path and not path.startswith(base_path + "/"):
            return False
    return True


def _resolved(path: str) -> str:
    """A url path with its dot segments removed (RFC 3986, 5.2.4); backslashes read as slashes."""
    segments: list[str] = []
    parts = path.replace("\\", "/").split("/")
    for index, segment in enumerate(parts):
        last = index == len(parts) - 1
        if segment == "..":
            if len(segments) > 1:
                segments.pop()
            if last:
                segments.append("")
        elif segment == ".":
            if last:
                segments.append("")
        else:
            segments.append(segment)
    return "/".join(segments)
