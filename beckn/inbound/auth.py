"""Who is calling: verify the signature of an inbound request and where its callback may go."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from beckn import signing
from beckn.registry import KeyLookupError, ParticipantKey, participant_key


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
        signing.check_times(header, skew=settings.BECKN_CLOCK_SKEW_SECONDS)
        key = participant_key(
            subscriber_id=header.subscriber_id, unique_key_id=header.unique_key_id, role=role
        )
        signing.verify(header, body, key.signing_public_key)
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
    """Whether `url` lies under `base`: same scheme, host and port, and a path below base's."""
    b, u = urlsplit(base), urlsplit(url)
    if (b.scheme.lower(), b.hostname, b.port) != (u.scheme.lower(), u.hostname, u.port):
        return False
    if u.username or u.password:
        return False
    base_path = b.path.rstrip("/")
    return u.path == base_path or u.path.startswith(base_path + "/") or not base_path
