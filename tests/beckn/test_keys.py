"""Our key pairs: the current one, the next one of a rotation, and which one signs."""

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from beckn import encryption, signing
from beckn.keys import (
    CURRENT,
    NEXT,
    ensure_generated_key,
    generate_key_material,
    generated_key_path,
    our_identity,
    our_key_pair,
    our_key_pairs,
)


@pytest.fixture
def next_key(settings: object) -> dict[str, str]:
    material = generate_key_material()
    settings.BECKN_NEXT_UNIQUE_KEY_ID = material["unique_key_id"]
    settings.BECKN_NEXT_SIGNING_PRIVATE_KEY = material["signing_private_key"]
    settings.BECKN_NEXT_ENCRYPTION_PRIVATE_KEY = material["encryption_private_key"]
    return material


def test_the_next_key_is_held_but_signs_only_once_switched(
    settings: object, next_key: dict[str, str]
) -> None:
    assert [pair.role for pair in our_key_pairs()] == [CURRENT, NEXT]
    assert our_identity().unique_key_id == "bpp-test-key"

    settings.BECKN_SIGN_WITH_NEXT_KEY = True

    identity = our_identity()
    assert identity.unique_key_id == next_key["unique_key_id"]
    assert identity.public_key == next_key["signing_public_key"]
    assert our_key_pair(NEXT).encryption_public_key == next_key["encryption_public_key"]


def test_switching_to_a_next_key_that_is_not_configured_fails_loudly(settings: object) -> None:
    settings.BECKN_SIGN_WITH_NEXT_KEY = True
    with pytest.raises(ImproperlyConfigured, match="BECKN_NEXT_UNIQUE_KEY_ID"):
        our_identity()


@pytest.mark.parametrize(
    "changes, text",
    [
        ({"BECKN_NEXT_SIGNING_PRIVATE_KEY": ""}, "go together"),
        ({"BECKN_NEXT_SIGNING_PRIVATE_KEY": "bad"}, "BECKN_NEXT_SIGNING_PRIVATE_KEY"),
        ({"BECKN_NEXT_ENCRYPTION_PRIVATE_KEY": "bad"}, "BECKN_NEXT_ENCRYPTION_PRIVATE_KEY"),
        ({"BECKN_NEXT_UNIQUE_KEY_ID": "bpp-test-key"}, "must differ"),
    ],
)
def test_a_half_configured_next_key_is_named_but_does_not_stop_current_signing(
    settings: object, next_key: dict[str, str], changes: dict[str, str], text: str
) -> None:
    for name, value in changes.items():
        setattr(settings, name, value)
    with pytest.raises(ImproperlyConfigured, match=text):
        our_key_pairs()
    assert our_identity().unique_key_id == "bpp-test-key"


def test_the_encryption_key_is_required_only_where_it_is_used(settings: object) -> None:
    settings.BECKN_ENCRYPTION_PRIVATE_KEY = ""
    pair = our_key_pair(CURRENT)
    assert pair.encryption_key is None
    with pytest.raises(ImproperlyConfigured, match="BECKN_ENCRYPTION_PRIVATE_KEY"):
        pair.require_encryption_key()


def test_the_generated_key_file_gets_an_encryption_key_and_keeps_its_signing_key(
    settings: object,
) -> None:
    settings.BECKN_SIGNING_PRIVATE_KEY = ""
    settings.BECKN_UNIQUE_KEY_ID = ""
    settings.BECKN_ENCRYPTION_PRIVATE_KEY = ""
    path = generated_key_path()
    old = generate_key_material()
    path.write_text(json.dumps({k: v for k, v in old.items() if "encryption" not in k}))

    material, created = ensure_generated_key()

    assert not created
    assert material["signing_private_key"] == old["signing_private_key"]
    pair = our_key_pair(CURRENT)
    assert pair.unique_key_id == old["unique_key_id"]
    assert pair.encryption_public_key == material["encryption_public_key"]
    path.unlink()


def test_beckn_keys_next_prints_a_working_next_key_pair(settings: object) -> None:
    out = io.StringIO()
    call_command("beckn_keys", "--next", stdout=out)
    text = out.getvalue()
    lines = dict(line.split("=", 1) for line in text.splitlines() if line.startswith("BECKN_"))
    assert set(lines) == {
        "BECKN_NEXT_UNIQUE_KEY_ID",
        "BECKN_NEXT_SIGNING_PRIVATE_KEY",
        "BECKN_NEXT_ENCRYPTION_PRIVATE_KEY",
    }
    for name, value in lines.items():
        setattr(settings, name, value)

    pair = our_key_pair(NEXT)
    subscription = json.loads(text[text.index("{") :])
    assert subscription["key_id"] == pair.unique_key_id
    assert subscription["signing_public_key"] == signing.public_key_base64(pair.signing_key)
    assert subscription["encr_public_key"] == encryption.public_key_base64(pair.encryption_key)
