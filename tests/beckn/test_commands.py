import json

import pytest
from django.core.management import call_command

from beckn import signing
from beckn.keys import generated_key_path, our_identity


def test_beckn_keys_prints_a_working_key_pair_and_subscription(capsys) -> None:
    call_command("beckn_keys")
    out = capsys.readouterr().out

    lines = dict(line.split("=", 1) for line in out.splitlines() if line.startswith("BECKN_"))
    key = signing.signing_key_from_base64(lines["BECKN_SIGNING_PRIVATE_KEY"])
    subscription = json.loads(out[out.index("{") :])
    assert subscription["signing_public_key"] == signing.public_key_base64(key)
    assert subscription["key_id"] == lines["BECKN_UNIQUE_KEY_ID"]
    assert subscription["type"] == "BPP"


def test_ensure_generates_a_key_once_and_the_bpp_signs_with_it(settings, capsys) -> None:
    settings.BECKN_SIGNING_PRIVATE_KEY = ""
    settings.BECKN_UNIQUE_KEY_ID = ""
    generated_key_path().unlink(missing_ok=True)

    call_command("beckn_keys", "--ensure")
    first = capsys.readouterr().out
    call_command("beckn_keys", "--ensure")
    second = capsys.readouterr().out

    assert "Generated" in first and "Using" in second
    identity = our_identity()
    assert identity.public_key in first and identity.public_key in second
    assert identity.unique_key_id in first


def test_a_bad_configured_key_fails_loudly(settings) -> None:
    settings.BECKN_SIGNING_PRIVATE_KEY = "not-a-key"
    with pytest.raises(Exception, match="BECKN_SIGNING_PRIVATE_KEY"):
        our_identity()
