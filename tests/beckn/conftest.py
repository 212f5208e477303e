"""Fixtures of the Beckn tests: callbacks checked against the specifications, our keys for
joining a network, and a registry on 127.0.0.1 that subscribes us through its challenge."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from beckn import encryption, openapi
from beckn import registry as registry_module
from beckn.peers import CheckedCallbackServer, SubscribingRegistry
from tests.conftest import SPEC_NOT_RUN, in_ci

DATA = Path(__file__).parent / "data"
LAYER2_SPEC = DATA / "layer2_service.yaml"


def spec_path(name: str, request: pytest.FixtureRequest) -> Path | None:
    """A file of the core Beckn specification ($BECKN_SPEC_DIR, or ../shared beside the repo),
    or None when it is not there: the test then runs without comparing with it, and the run's
    summary counts the comparison as not run (tests/conftest.py). In CI, which always has the
    files, their absence fails the test.
    """
    path = openapi.spec_file(name)
    if path is not None:
        return path
    if in_ci():
        pytest.fail(
            f"{openapi.spec_dir() / name} is missing: CI must have the Beckn specification."
        )
    request.node.user_properties.append((SPEC_NOT_RUN, name))
    return None


@pytest.fixture
def callback_server() -> Iterator[CheckedCallbackServer]:
    """The BAP's callback endpoint; with a layer-2 document configured, every callback must
    conform to it (and to the core specification too with `core_spec_checked`)."""

    def spec_paths() -> list[str]:
        layer2 = django_settings.BECKN_LAYER2_SPEC_PATH
        return [layer2] if layer2 else []

    with CheckedCallbackServer(spec_paths=spec_paths) as server:
        yield server
    assert not server.violations, "\n".join(server.violations)


@pytest.fixture
def core_spec_checked(
    callback_server: CheckedCallbackServer, request: pytest.FixtureRequest
) -> Path | None:
    """Every callback of the test must also conform to the core specification (transaction.yaml)
    where it is at hand; our own structural checks run in any case."""
    path = spec_path("transaction.yaml", request)
    if path is not None:
        callback_server.extra_spec_paths.append(str(path))
    return path


@pytest.fixture
def encryption_private_key(settings: object) -> str:
    """Our encryption key, configured as BECKN_ENCRYPTION_PRIVATE_KEY."""
    value = encryption.private_key_base64(encryption.generate_private_key())
    settings.BECKN_ENCRYPTION_PRIVATE_KEY = value
    return value


@pytest.fixture
def registry(
    settings: object, live_server: object, encryption_private_key: str
) -> Iterator[SubscribingRegistry]:
    """A registry on 127.0.0.1 that we are configured to join; it reaches our live server."""
    with SubscribingRegistry() as server:
        settings.BECKN_REGISTRY_URL = server.url
        settings.BECKN_REGISTRY_TIMEOUT = 2.0
        settings.BECKN_REGISTRY_SUBSCRIBE_TIMEOUT = 15.0
        settings.BECKN_REGISTRY_ENCRYPTION_PUBLIC_KEY = server.encryption_public_key
        settings.BECKN_REGISTRY_SIGNING_PUBLIC_KEY = server.identity.public_key
        settings.BECKN_SUBSCRIBER_URL = f"{live_server.url}/beckn"
        cache.clear()
        registry_module.local_cache_clear()
        yield server
    cache.clear()
    registry_module.local_cache_clear()
