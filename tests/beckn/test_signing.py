"""BECKN-006 signatures: the RFC's worked example byte for byte, and strict parsing."""

import pytest

from beckn import signing
from beckn.peers import BapIdentity

# The worked example of BECKN-006 (Step 1: the BAP signs a request).
EXAMPLE_BODY = (
    b'{"context":{"domain":"nic2004:60212","country":"IND","city":"Kochi","action":"search",'
    b'"core_version":"0.9.1","bap_id":"bap.stayhalo.in",'
    b'"bap_uri":"https://8f9f-49-207-209-131.ngrok.io/protocol/",'
    b'"transaction_id":"e6d9f908-1d26-4ff3-a6d1-3af3d3721054",'
    b'"message_id":"a2fe6d52-9fe4-4d1a-9d0b-dccb8b48522d","timestamp":"2022-01-04T09:17:55.971Z",'
    b'"ttl":"P1M"},"message":{"intent":{"fulfillment":{"start":{"location":'
    b'{"gps":"10.108768, 76.347517"}},"end":{"location":{"gps":"10.102997, 76.353480"}}}}}}'
)
EXAMPLE_PRIVATE_KEY = (
    "lP3sHA+9gileOkXYJXh4Jg8tK0gEEMbf9yCPnFpbldhrAY+NErqL9WD+Vav7TE5tyVXGXBle9ONZi2W7o144eQ=="
)
EXAMPLE_PUBLIC_KEY = "awGPjRK6i/Vg/lWr+0xObclVxlwZXvTjWYtlu6NeOHk="
EXAMPLE_DIGEST = (
    "b6lf6lRgOweajukcvcLsagQ2T60+85kRh/Rd2bdS+TG/5ALebOEgDJfyCrre/1+BMu5nA94o4DT3pTFXuUg7sw=="
)
EXAMPLE_HEADER = (
    'Signature keyId="example-bap.com|ae3ea24b-cfec-495e-81f8-044aaef164ac|ed25519",'
    'algorithm="ed25519",created="1641287875",expires="1641291475",'
    'headers="(created) (expires) digest",'
    'signature="cjbhP0PFyrlSCNszJM1F/YmHDVAWsZqJUPzojnE/7TJU3fJ/rmIlgaUHEr5E0/2PIyf0tpSnWtT6cyNNlpmoAQ=="'
)


def test_digest_matches_the_worked_example() -> None:
    assert signing.body_digest(EXAMPLE_BODY) == EXAMPLE_DIGEST


def test_signature_header_matches_the_worked_example_byte_for_byte() -> None:
    key = signing.signing_key_from_base64(EXAMPLE_PRIVATE_KEY)
    assert signing.public_key_base64(key) == EXAMPLE_PUBLIC_KEY
    header = signing.sign(
        EXAMPLE_BODY,
        subscriber_id="example-bap.com",
        unique_key_id="ae3ea24b-cfec-495e-81f8-044aaef164ac",
        key=key,
        created=1641287875,
        ttl_seconds=3600,
    )
    assert header == EXAMPLE_HEADER


def test_the_worked_example_verifies_and_a_tampered_body_does_not() -> None:
    header = signing.parse_header(EXAMPLE_HEADER)
    signing.verify(header, EXAMPLE_BODY, EXAMPLE_PUBLIC_KEY)
    with pytest.raises(signing.SignatureError, match="does not match"):
        signing.verify(header, EXAMPLE_BODY.replace(b"Kochi", b"Kochu"), EXAMPLE_PUBLIC_KEY)


def test_a_32_byte_seed_and_its_64_byte_form_are_the_same_key() -> None:
    key = signing.signing_key_from_base64(EXAMPLE_PRIVATE_KEY)
    seed_only = signing.signing_key_from_base64(__import__("base64").b64encode(bytes(key)).decode())
    assert bytes(seed_only.verify_key) == bytes(key.verify_key)


@pytest.mark.parametrize(
    "value, error",
    [
        ("not base64!", "base64"),
        ("AAAA", "32 or 64 bytes"),
    ],
)
def test_bad_private_keys_are_refused(value: str, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        signing.signing_key_from_base64(value)


@pytest.mark.parametrize(
    "header, error",
    [
        ("Bearer abc", "must start with 'Signature '"),
        ('Signature keyId="a|b|ed25519"', "lacks"),
        (EXAMPLE_HEADER.replace('keyId="example-bap.com|', 'keyId="'), "keyId must be"),
        (EXAMPLE_HEADER.replace('|ed25519"', '|rsa"'), "algorithm must be ed25519"),
        (EXAMPLE_HEADER.replace('algorithm="ed25519"', 'algorithm="rsa"'), "algorithm"),
        (EXAMPLE_HEADER.replace("(created) (expires) digest", "digest"), "headers must be"),
        (EXAMPLE_HEADER.replace('created="1641287875"', 'created="soon"'), "unix timestamps"),
        (EXAMPLE_HEADER + ',keyId="x|y|ed25519"', "repeats"),
        (EXAMPLE_HEADER.replace('",', '" ; '), 'name="value" pairs'),
    ],
)
def test_malformed_headers_are_refused_with_a_reason(header: str, error: str) -> None:
    with pytest.raises(signing.SignatureError, match=error):
        signing.parse_header(header)


def test_times_are_checked() -> None:
    identity = BapIdentity()
    header = signing.parse_header(identity.sign(b"{}", created=1_000, ttl_seconds=60))
    signing.check_times(header, now=1_030)
    with pytest.raises(signing.SignatureError, match="future"):
        signing.check_times(header, now=900)
    with pytest.raises(signing.SignatureError, match="expired"):
        signing.check_times(header, now=1_100)
    signing.check_times(header, now=1_100, skew=60)
